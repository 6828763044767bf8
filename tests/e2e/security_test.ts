import { assert, assertEquals, assertMatch } from "@std/assert";
import { encodeChunkFrame } from "../../src/protocol/mod.ts";
import {
  hasStackTrace,
  type Received,
  runJoin,
  startServer,
  TestClient,
  withTimeout,
} from "./_helpers.ts";
import { startLimitedServer } from "./_limited_server.ts";

/** Connects from 127.0.0.1, says `hello`, and returns the reply once the server has closed. */
async function refusedHello(port: number, passkey: string, nick: string): Promise<Received> {
  await using client = await TestClient.connect(port, nick);
  const reply = await client.hello({ nick, passkey });
  assertEquals(reply.type, "error", `expected a refusal, got ${JSON.stringify(reply)}`);
  await client.waitForClose();
  return reply;
}

/**
 * Waits out the current lockout of 127.0.0.1 by trying a wrong passkey until it is no longer
 * `locked_out`; that try counts, so the address is locked out again, for twice as long.
 * Returns the lockout's message.
 */
async function outlastLockout(port: number): Promise<string> {
  return await withTimeout(
    (async () => {
      for (;;) {
        const reply = await refusedHello(port, "still-wrong", "mallory");
        if (reply.code === "bad_passkey") return String(reply.message);
        assertEquals(reply.code, "locked_out");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })(),
    { timeoutMs: 20_000, what: "the lockout to end" },
  );
}

/** Which `rid`s of `rids` have an answer yet (an `ack` or an `error`), and which answers. */
function answers(client: TestClient, rids: readonly string[]): Map<string, Received[]> {
  const map = new Map<string, Received[]>(rids.map((rid) => [rid, []]));
  for (const message of client.messages) {
    if (typeof message.rid === "string") map.get(message.rid)?.push(message);
  }
  return map;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Uploads `bytes` over the protocol; returns the shared file's id. */
async function upload(
  client: TestClient,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<number> {
  const sha256 = await sha256Hex(bytes);
  const ready = await client.request({
    type: "upload",
    rid: client.rid(),
    name,
    size: bytes.length,
  });
  assertEquals(ready.type, "upload_ready", JSON.stringify(ready));
  await client.sendBytes(encodeChunkFrame(Number(ready.transfer), bytes));
  const done = await client.request({
    type: "upload_end",
    rid: client.rid(),
    transfer: ready.transfer,
    sha256,
  });
  assertEquals(done.type, "upload_done", JSON.stringify(done));
  return Number(done.id);
}

Deno.test("100 wrong passkeys sent at the same instant from one address get 5 comparisons", async () => {
  await using server = await startLimitedServer();
  const guessers = await Promise.all(
    Array.from(
      { length: 100 },
      (_, i) => TestClient.connect(server.port, `guesser${i}`, { localAddress: "127.0.0.3" }),
    ),
  );
  try {
    const replies = await Promise.all(
      guessers.map((client, i) => client.hello({ nick: `guesser${i}`, passkey: `guess-${i}` })),
    );
    const codes = replies.map((reply) => String(reply.code));
    const refused = codes.filter((code) => code === "bad_passkey").length;
    assertEquals(refused, 5, `passkeys compared: ${refused} (${codes.join(" ")})`);
    assertEquals(codes.filter((code) => code === "locked_out").length, 95);
    // The right passkey from another address is unaffected.
    await using alice = await TestClient.join(server.port, {
      nick: "alice",
      passkey: server.passkey,
    });
    assertEquals((await alice.send("still open")).type, "ack");
  } finally {
    await Promise.all(guessers.map((client) => client.close()));
  }
});

Deno.test("wrong passkeys lock 127.0.0.1 out while its clients already in, and 127.0.0.2, carry on", async () => {
  await using server = await startLimitedServer();
  const passkey = server.passkey;
  await using alice = await TestClient.join(server.port, { nick: "alice", passkey });

  for (let i = 1; i <= 5; i++) {
    const reply = await refusedHello(server.port, `guess-${i}`, `mallory${i}`);
    assertEquals([reply.code, reply.fatal], ["bad_passkey", true], `wrong passkey ${i}`);
  }
  const locked = await refusedHello(server.port, passkey, "mallory");
  assertEquals([locked.code, locked.fatal], ["locked_out", true], "even the right passkey");
  assertMatch(String(locked.message), /try again in [12] s/);
  const retryAfter = Number(locked.retry_after_ms);
  assert(retryAfter > 0 && retryAfter <= 2000, `retry_after_ms ${locked.retry_after_ms}`);
  await server.stderr.match(
    /auth failure from 127\.0\.0\.1:\d+: wrong passkey; address locked out for 2 s/,
  );

  // alice logged in before the lockout: nothing changes for her.
  assertEquals((await alice.send("after the lockout")).type, "ack");

  // Another machine (here 127.0.0.2) with the right passkey gets in at once.
  await using carol = await TestClient.connect(server.port, "carol", { localAddress: "127.0.0.2" });
  const welcome = await carol.hello({ nick: "carol", passkey });
  assertEquals(welcome.type, "welcome", carol.describe());
  await server.stderr.match(/carol connected from 127\.0\.0\.2:\d+/);
  assertEquals((await alice.send("hi carol")).type, "ack");
  await carol.waitFor((m) => m.type === "message" && m.text === "hi carol");

  // Each failure after a lockout doubles it; a long one is long enough to watch chat join hit it.
  assertMatch(await outlastLockout(server.port), /passkey is wrong/);
  assertMatch(await outlastLockout(server.port), /passkey is wrong/);
  await server.stderr.match(/address locked out for 8 s/);
  const join = await runJoin([server.address, "--nick", "dave"], { passkey, stdin: ["hi"] });
  assertEquals(join.code, 1, join.stderr);
  assertMatch(join.stderr, /try again in \d+ s/);
  assert(!hasStackTrace(join.stderr), join.stderr);
  assert(!join.stderr.includes(passkey), "the passkey is not echoed");
});

Deno.test("--handshake-timeout 1 closes a silent or dawdling connection with not_authenticated", async () => {
  await using server = await startLimitedServer({ extraArgs: ["--handshake-timeout", "1"] });
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  await using silent = await TestClient.connect(server.port, "silent");
  await using dawdler = await TestClient.connect(server.port, "dawdler");
  const started = performance.now();
  // Half a frame header, then nothing: the server must not wait for the rest forever.
  await dawdler.sendBytes(new Uint8Array([0, 0, 0]));
  await Promise.all([
    silent.waitForClose({ timeoutMs: 4000 }),
    dawdler.waitForClose({ timeoutMs: 4000 }),
  ]);
  const elapsed = performance.now() - started;
  assert(elapsed >= 900, `closed after ${elapsed.toFixed(0)} ms, before the timeout`);
  for (const client of [silent, dawdler]) {
    assertEquals(
      client.messages.map((m) => [m.type, m.code, m.fatal]),
      [["error", "not_authenticated", true]],
      client.describe(),
    );
  }
  await server.stderr.match(/closed: no handshake within 1000 ms/);
  // Twice the timeout later, a client that did say hello is still served.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await alice.ping();
  console.log(`silent connections closed after ${elapsed.toFixed(0)} ms`);
});

Deno.test("--rate 5 --burst 5: 20 requests at once each get an ack or rate_limited, never silence", async () => {
  await using server = await startLimitedServer({ extraArgs: ["--rate", "5", "--burst", "5"] });
  const passkey = server.passkey;
  await using listener = await TestClient.join(server.port, { nick: "listener", passkey });
  await using alice = await TestClient.join(server.port, { nick: "alice", passkey });
  const welcome = alice.messages.find((m) => m.type === "welcome");
  assertEquals(welcome?.rate, { per_second: 5, burst: 5 });

  const rids = Array.from({ length: 20 }, (_, i) => `burst-${i}`);
  await Promise.all(rids.map((rid) => alice.sendMessage({ type: "send", rid, text: `t ${rid}` })));
  await alice.waitUntil(() => [...answers(alice, rids).values()].every((a) => a.length > 0), {
    what: "an answer to each of the 20 sends",
  });
  const replies = answers(alice, rids);
  for (const [rid, reply] of replies) {
    assertEquals(reply.length, 1, `one answer to ${rid}: ${JSON.stringify(reply)}`);
  }
  const acked = rids.filter((rid) => replies.get(rid)![0].type === "ack");
  const limited = rids.filter((rid) => replies.get(rid)![0].code === "rate_limited");
  assertEquals(acked.length + limited.length, 20, alice.describe());
  assert(acked.length >= 5, `the burst of 5 is accepted (${acked.length})`);
  assert(limited.length >= 10, `most of the rest is refused (${limited.length})`);
  for (const rid of limited) {
    const error = replies.get(rid)![0];
    assertEquals(error.fatal, false);
    assertMatch(String(error.message), /slow down/);
  }

  // Exactly the acknowledged messages reach the room.
  await listener.waitFor((m) => m.type === "message" && m.text === `t ${acked.at(-1)}`);
  await listener.ping();
  assertEquals(
    listener.messages.filter((m) => m.type === "message").map((m) => m.text),
    acked.map((rid) => `t ${rid}`),
  );
  // alice is still connected: once a token is back, her requests go through again.
  await withTimeout(
    (async () => {
      for (;;) {
        const reply = await alice.request({ type: "ping", rid: alice.rid() });
        if (reply.type === "pong") return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })(),
    { what: "a pong once the rate allows" },
  );
});

Deno.test("a piped chat join paces itself to --rate 5 --burst 5 and delivers all 20 lines", async () => {
  await using server = await startLimitedServer({ extraArgs: ["--rate", "5", "--burst", "5"] });
  await using listener = await TestClient.join(server.port, {
    nick: "listener",
    passkey: server.passkey,
  });
  const lines = Array.from({ length: 20 }, (_, i) => `paced line ${i}`);
  const started = performance.now();
  const bot = await runJoin([server.address, "--nick", "bot", "--json"], {
    passkey: server.passkey,
    stdin: lines,
    timeoutMs: 30_000,
  });
  const elapsed = performance.now() - started;
  assertEquals(bot.code, 0, bot.stderr);
  assert(!/rate_limited|slow down/i.test(bot.stderr + bot.stdout.join("\n")), bot.stderr);
  await listener.waitFor((m) => m.type === "message" && m.text === lines.at(-1));
  assertEquals(
    listener.messages.filter((m) => m.type === "message" && m.from === "bot").map((m) => m.text),
    lines,
    "every line, once, in order",
  );
  console.log(`20 paced lines took ${elapsed.toFixed(0)} ms`);
});

Deno.test("--max-connections-per-address 3 refuses a 4th connection until one closes", async () => {
  await using server = await startLimitedServer({
    extraArgs: ["--max-connections-per-address", "3"],
  });
  const passkey = server.passkey;
  await using first = await TestClient.join(server.port, { nick: "c1", passkey });
  await using _second = await TestClient.join(server.port, { nick: "c2", passkey });
  await using _third = await TestClient.join(server.port, { nick: "c3", passkey });
  await using fourth = await TestClient.connect(server.port, "c4");
  const refusal = await fourth.waitFor((m) => m.type === "error");
  assertEquals([refusal.code, refusal.fatal], ["too_many_connections", true]);
  assertMatch(String(refusal.message), /Too many connections from 127\.0\.0\.1 \(limit 3\)/);
  await fourth.waitForClose();
  await server.stderr.match(/refused 127\.0\.0\.1:\d+: Too many connections/);

  // The limit is per address: 127.0.0.2 is let in.
  await using other = await TestClient.connect(server.port, "other", { localAddress: "127.0.0.2" });
  assertEquals((await other.hello({ nick: "other", passkey })).type, "welcome");

  await first.close();
  // Once the server has seen c1 go, a new connection from 127.0.0.1 is admitted.
  await withTimeout(
    (async () => {
      for (;;) {
        const client = await TestClient.connect(server.port, "c5");
        const reply = await client.hello({ nick: "c5", passkey }).catch((error) => error);
        if (reply.type === "welcome") return await client.close();
        await client.close();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })(),
    { what: "a place for a new connection after c1 closed" },
  );
});

Deno.test("--max-connections 2 refuses a third connection from any address", async () => {
  await using server = await startLimitedServer({ extraArgs: ["--max-connections", "2"] });
  const passkey = server.passkey;
  await using _one = await TestClient.join(server.port, { nick: "one", passkey });
  await using _two = await TestClient.join(server.port, { nick: "two", passkey });
  await using third = await TestClient.connect(server.port, "third", { localAddress: "127.0.0.3" });
  const refusal = await third.waitFor((m) => m.type === "error");
  assertEquals([refusal.code, refusal.fatal], ["too_many_connections", true]);
  assertMatch(String(refusal.message), /server is full/);
  await third.waitForClose();
});

Deno.test("a client in room a never gets room b's messages, history or files by crafted requests", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using alice = await TestClient.join(server.port, { nick: "alice", passkey, room: "a" });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey, room: "b" });
  await using filesOnly = await TestClient.connect(server.port, "alice-files");
  assertEquals(
    (await filesOnly.hello({ nick: "alice", passkey, room: "a", presence: false })).type,
    "welcome",
  );

  const secret = await bob.send("b-only: the launch is at noon");
  assertEquals(secret.type, "ack");
  assertEquals((await alice.send("a-only: lunch?")).type, "ack");
  const fileId = await upload(bob, "b-plans.txt", new TextEncoder().encode("b-only file"));
  // Positive control: bob, in b, can list and fetch it.
  const own = await bob.request({ type: "files", rid: bob.rid(), room: "b" });
  assert((own.files as { id: number }[]).some((f) => f.id === fileId), JSON.stringify(own));
  assertEquals(
    (await bob.request({ type: "download", rid: bob.rid(), id: fileId })).type,
    "download_ready",
  );

  // history has no room field: one smuggled in is ignored, and it is alice's room that is paged.
  for (const extra of [{}, { before: Number(secret.id) + 1 }, { before: fileId + 1, limit: 500 }]) {
    const rid = alice.rid();
    const since = alice.mark();
    await alice.sendMessage({ type: "history", rid, room: "b", ...extra });
    const end = await alice.waitFor((m) => m.type === "history_end" && m.rid === rid, { since });
    assertEquals(end.room, "a");
    const page = alice.messages.slice(since).filter((m) => m.history === true);
    assertEquals(page.filter((m) => m.room !== "a"), [], `history ${JSON.stringify(extra)}`);
  }
  const who = await alice.request({ type: "who", rid: alice.rid(), room: "b" });
  assertEquals([who.room, who.users], ["a", ["alice"]]);

  for (const client of [alice, filesOnly]) {
    const listing = await client.request({ type: "files", rid: client.rid(), room: "b" });
    const leaked = listing.type === "file_list"
      ? (listing.files as { room: string }[]).filter((f) => f.room === "b")
      : [];
    assertEquals(leaked, [], `${client.label}: files {room: "b"} lists nothing of b`);
    const all = await client.request({ type: "files", rid: client.rid() });
    assertEquals(
      (all.files as { room: string }[] | undefined ?? []).filter((f) => f.room === "b"),
      [],
      `${client.label}: files without a room lists nothing of b`,
    );
    const download = await client.request({ type: "download", rid: client.rid(), id: fileId });
    assertEquals(
      [download.type, download.code],
      ["error", "no_such_file"],
      `${client.label}: download of b's file`,
    );
  }
  await alice.ping();
  const leaks = alice.messages.filter((m) => JSON.stringify(m).includes("b-only"));
  assertEquals(leaks, [], "nothing of room b reached alice");
});

Deno.test("a private message reaches only its recipient, even through history and catch-up", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using alice = await TestClient.join(server.port, { nick: "alice", passkey });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey });
  await using carol = await TestClient.join(server.port, { nick: "carol", passkey });
  const aliceResume = alice.messages.find((m) => m.type === "welcome")?.resume;
  assertEquals(typeof aliceResume, "string");

  assertEquals((await alice.send("public: hello all")).type, "ack");
  const psst = await alice.private("bob", "psst: the vault code is 1234");
  assertEquals(psst.type, "ack");
  // A crafted private that claims to come from alice still comes from carol.
  const spoof = await carol.request({
    type: "private",
    rid: carol.rid(),
    to: "bob",
    from: "alice",
    text: "psst: spoofed",
  });
  assertEquals(spoof.type, "ack");
  const atBob = await bob.waitFor((m) => m.type === "private" && m.text === "psst: spoofed");
  assertEquals(atBob.from, "carol");
  await bob.waitFor((m) => m.type === "private" && m.text === "psst: the vault code is 1234");
  assertEquals((await alice.send("public: marker")).type, "ack");
  await carol.waitFor((m) => m.text === "public: marker");
  assertEquals(alice.messages.filter((m) => m.type === "private"), [], "alice gets only the ack");

  const history = carol.rid();
  const mark = carol.mark();
  await carol.sendMessage({ type: "history", rid: history, before: Number(psst.id) + 1 });
  await carol.waitFor((m) => m.type === "history_end" && m.rid === history, { since: mark });
  await bob.close();

  // A newcomer asking for everything since id 0, without a resume token, or with another
  // user's token, gets the room's events and no private message; bob's nick is his alone.
  const stranger = await TestClient.connect(server.port, "not bob");
  const refused = await stranger.hello({ nick: "bob", passkey, since: 0, stranger: true });
  assertEquals([refused.type, refused.code], ["error", "nick_owned"]);
  await stranger.close();
  const catchUps: [string, Record<string, unknown>][] = [
    ["dave", {}],
    ["eve", { resume: aliceResume }],
  ];
  for (const [nick, extra] of catchUps) {
    await using client = await TestClient.connect(server.port, nick);
    await client.sendMessage({ type: "hello", v: 1, nick, passkey, since: 0, ...extra });
    await client.waitFor((m) => m.type === "history_end");
    const texts = client.messages.map((m) => m.text);
    assert(texts.includes("public: hello all"), `${nick} caught up:\n${client.describe()}`);
    assertEquals(client.messages.filter((m) => m.type === "private"), [], `${nick}'s catch-up`);
    await client.ping();
  }
  // alice's ack carries her own message back (ack.event); nothing else may.
  for (const client of [alice, carol]) {
    assertEquals(
      client.messages.filter((m) =>
        !(m.type === "ack" && m.rid === psst.rid) && JSON.stringify(m).includes("vault code")
      ),
      [],
      `${client.label} never sees bob's private`,
    );
  }
});
