import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { type JsonEvent, runJoin, spawnJoin, startServer, TestClient } from "./_helpers.ts";

const ISO_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function isText(type: string, text: string) {
  return (e: { type: string; text?: unknown }) => e.type === type && e.text === text;
}

function assertJsonOnly(stdout: readonly string[], events: readonly JsonEvent[]): void {
  const lines = stdout.filter((line) => line.trim().length > 0);
  assertEquals(
    events.length,
    lines.length,
    `every --json stdout line is JSON:\n${lines.join("\n")}`,
  );
}

Deno.test("chat join clients exchange messages and each sees its own line exactly once", async () => {
  await using server = await startServer();
  await using alice = spawnJoin([server.address, "--nick", "alice", "--json"], {
    passkey: server.passkey,
  });
  await alice.ready();
  await using bob = spawnJoin([server.address, "--nick", "bob", "--json"], {
    passkey: server.passkey,
  });
  await bob.ready();

  await alice.write("hello bob");
  const atBob = await bob.waitFor(isText("message", "hello bob"), { what: "alice's message" });
  assertEquals(atBob.from, "alice");
  assertEquals(atBob.room, "lobby");
  assertEquals(typeof atBob.id, "number");
  assertMatch(String(atBob.ts), ISO_TS);
  assert(!atBob.history, "a live message is not marked as history");

  await bob.write("hi alice");
  const atAlice = await alice.waitFor(isText("message", "hi alice"), { what: "bob's reply" });
  assertEquals(atAlice.from, "bob");

  const a = await alice.close();
  const b = await bob.close();
  assertEquals(a.code, 0, a.stderr);
  assertEquals(b.code, 0, b.stderr);
  assertJsonOnly(a.stdout, a.events);
  assertJsonOnly(b.stdout, b.events);

  const ownAtAlice = a.events.filter((e) => e.text === "hello bob");
  assertEquals(ownAtAlice.length, 1, `alice sees her line once:\n${a.stdout.join("\n")}`);
  assertEquals(ownAtAlice[0].type, "message");
  assertEquals(ownAtAlice[0].from, "alice");
  assertEquals(ownAtAlice[0].id, atBob.id, "her own line carries the server id bob saw");
  const ownAtBob = b.events.filter((e) => e.text === "hi alice");
  assertEquals(ownAtBob.length, 1, `bob sees his line once:\n${b.stdout.join("\n")}`);
  assertEquals(ownAtBob[0].from, "bob");
  assertEquals(b.events.filter((e) => e.text === "hello bob").length, 1);
});

Deno.test("UTF-8 text arrives byte-for-byte as it was sent", async () => {
  const texts = [
    "emoji 👋🏽 👨‍👩‍👧 🇸🇦 ✔︎",
    "مرحبا بالعالم — Arabic, right to left",
    "combining e\u0301 a\u0308 o\u0302\u0323 stay decomposed",
    "CJK 你好，世界 こんにちは 안녕하세요",
    "\u200fRLM and ZWJ \u200d and NBSP\u00a0inside",
  ];
  await using server = await startServer();
  await using raw = await TestClient.join(server.port, {
    nick: "listener",
    passkey: server.passkey,
  });
  await using cli = spawnJoin([server.address, "--nick", "reader", "--json"], {
    passkey: server.passkey,
  });
  await cli.ready();

  const sent = await runJoin([server.address, "--nick", "Zoë", "--json"], {
    passkey: server.passkey,
    stdin: texts,
  });
  assertEquals(sent.code, 0, sent.stderr);

  const encoder = new TextEncoder();
  for (const text of texts) {
    const atRaw = await raw.waitFor(isText("message", text), { what: `the text ${text}` });
    assertEquals(encoder.encode(String(atRaw.text)), encoder.encode(text));
    assertEquals(atRaw.from, "Zoë");
    const atCli = await cli.waitFor(isText("message", text), { what: `the text ${text}` });
    assertEquals(encoder.encode(String(atCli.text)), encoder.encode(text));
    assertEquals(encoder.encode(String(atCli.from)), encoder.encode("Zoë"));
    const own = sent.events.filter((e) => e.text === text);
    assertEquals(own.length, 1, `the sender sees "${text}" once:\n${sent.stdout.join("\n")}`);
  }
  assertEquals((await cli.close()).code, 0);
});

Deno.test("a /me line arrives as an action", async () => {
  await using server = await startServer();
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  const alice = await runJoin([server.address, "--nick", "alice", "--json"], {
    passkey: server.passkey,
    stdin: ["/me waves at everyone"],
  });
  assertEquals(alice.code, 0, alice.stderr);
  const action = await bob.waitFor(isText("action", "waves at everyone"), { what: "the action" });
  assertEquals(action.from, "alice");
  const own = alice.events.filter((e) => e.text === "waves at everyone");
  assertEquals(own.length, 1, alice.stdout.join("\n"));
  assertEquals(own[0].type, "action");
  assertEquals(bob.messages.filter(isText("message", "/me waves at everyone")).length, 0);
});

Deno.test("joining and leaving are announced to the room", async () => {
  await using server = await startServer();
  await using observer = await TestClient.join(server.port, {
    nick: "observer",
    passkey: server.passkey,
  });
  await using dave = spawnJoin([server.address, "--nick", "dave", "--json"], {
    passkey: server.passkey,
  });
  await dave.ready();
  const since = dave.mark();

  const carol = await runJoin([server.address, "--nick", "carol", "--json"], {
    passkey: server.passkey,
    stdin: ["carol was here"],
  });
  assertEquals(carol.code, 0, carol.stderr);

  const isNotice = (event: string) => (m: { type: string; event?: unknown; from?: unknown }) =>
    m.type === "notice" && m.event === event && m.from === "carol";
  const joined = await observer.waitFor(isNotice("join"), { what: "carol's join notice" });
  const said = await observer.waitFor(isText("message", "carol was here"));
  const left = await observer.waitFor(isNotice("leave"), { what: "carol's leave notice" });
  assert(Number(joined.id) < Number(said.id) && Number(said.id) < Number(left.id), "in order");
  assertEquals(joined.room, "lobby");

  const mentionsCarol = (event: string) => (e: JsonEvent) =>
    e.type === "notice" && e.event === event &&
    (e.from === "carol" || String(e.text ?? "").includes("carol"));
  await dave.waitFor(mentionsCarol("join"), { since, what: "carol's join notice" });
  await dave.waitFor(mentionsCarol("leave"), { since, what: "carol's leave notice" });
  assertEquals((await dave.close()).code, 0);
});

Deno.test("/nick announces the new nick and later lines carry it", async () => {
  await using server = await startServer();
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  await using alice = spawnJoin([server.address, "--nick", "alice", "--json"], {
    passkey: server.passkey,
  });
  await alice.ready();

  await alice.write("/nick alicia");
  const notice = await bob.waitFor(
    (m) => m.type === "notice" && m.event === "nick",
    { what: "the nick notice" },
  );
  assertEquals(notice.from, "alice");
  assertEquals(notice.nick, "alicia");
  await alice.write("renamed now");
  const message = await bob.waitFor(isText("message", "renamed now"));
  assertEquals(message.from, "alicia");
  const result = await alice.close();
  assertEquals(result.code, 0, result.stderr);
  const own = result.events.filter((e) => e.text === "renamed now");
  assertEquals(own.length, 1);
  assertEquals(own[0].from, "alicia");
});

Deno.test("/join moves the client to another room and the old room's messages stop", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using lobbyist = await TestClient.join(server.port, { nick: "lobbyist", passkey });
  await using resident = await TestClient.join(server.port, {
    nick: "resident",
    passkey,
    room: "other",
  });
  await using alice = spawnJoin([server.address, "--nick", "alice", "--json"], {
    passkey: server.passkey,
  });
  await alice.ready();
  await lobbyist.send("before the move");
  await alice.waitFor(isText("message", "before the move"), { what: "a lobby message" });

  await alice.write("/join other");
  await resident.waitFor((m) => m.type === "notice" && m.event === "join" && m.from === "alice", {
    what: "alice's arrival in other",
  });
  assertEquals((await lobbyist.send("lobby after the move")).type, "ack");
  assertEquals((await resident.send("welcome to other")).type, "ack");
  const there = await alice.waitFor(isText("message", "welcome to other"), {
    what: "a message in other",
  });
  assertEquals(there.room, "other");
  await alice.ready();
  const result = await alice.close();
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    result.events.filter((e) => e.text === "lobby after the move").length,
    0,
    `a lobby message reached alice in other:\n${result.stdout.join("\n")}`,
  );
});

Deno.test("/who, /rooms and /info answer with system events", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using _bob = await TestClient.join(server.port, { nick: "bob", passkey, room: "lab" });
  await using _carol = await TestClient.join(server.port, {
    nick: "carol",
    passkey,
    room: "kitchen",
  });
  await using alice = spawnJoin([server.address, "--nick", "alice", "--room", "lab", "--json"], {
    passkey: server.passkey,
  });
  await alice.ready();

  const ask = async (command: string, predicate: (e: JsonEvent) => boolean) => {
    const since = alice.mark();
    await alice.write(command);
    return await alice.waitFor((e) => e.type === "system" && predicate(e), {
      since,
      what: `the reply to ${command}`,
    });
  };
  const who = String((await ask("/who", (e) => String(e.text).includes("bob"))).text);
  assertStringIncludes(who, "alice");
  assert(!who.includes("carol"), `/who lists only the room: ${who}`);
  const rooms = String((await ask("/rooms", (e) => String(e.text).includes("kitchen"))).text);
  assertStringIncludes(rooms, "lab");
  const info = await ask("/info", (e) => e.event === undefined || e.event === "info");
  assert(String(info.text ?? "").trim().length > 0, `/info has text: ${JSON.stringify(info)}`);
  assertEquals((await alice.close()).code, 0);
});

Deno.test("an empty message gets empty_message and the connection stays open", async () => {
  await using server = await startServer();
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  for (const text of ["", "   ", " \t\n "]) {
    const reply = await alice.send(text);
    assertEquals(reply.type, "error", JSON.stringify(reply));
    assertEquals(reply.code, "empty_message");
    assertEquals(reply.fatal, false);
  }
  await alice.ping();
  assertEquals((await alice.send("not empty")).type, "ack");
  await bob.waitFor(isText("message", "not empty"));
  assertEquals(bob.messages.filter((m) => m.type === "message").length, 1, bob.describe());
});

Deno.test("a message over --max-message-bytes gets message_too_large naming the limit", async () => {
  await using server = await startServer({ maxMessageBytes: 1000 });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  const welcome = alice.messages.find((m) => m.type === "welcome");
  assertEquals(welcome?.max_message_bytes, 1000);

  // 501 characters but 1002 bytes: the limit counts UTF-8 bytes.
  const reply = await alice.send("é".repeat(501));
  assertEquals(reply.type, "error", JSON.stringify(reply));
  assertEquals(reply.code, "message_too_large");
  assertEquals(reply.fatal, false);
  assertMatch(String(reply.message), /1[,.\u202f\u00a0 ]?000/);

  await alice.ping();
  const fits = "é".repeat(500);
  assertEquals((await alice.send(fits)).type, "ack", "exactly the limit is accepted");
  await bob.waitFor(isText("message", fits));
  assertEquals(bob.messages.filter((m) => m.type === "message").length, 1, bob.describe());
});

Deno.test("a resent rid is acknowledged with the same id and delivered once", async () => {
  await using server = await startServer();
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  const first = await alice.send("exactly once", { rid: "retry-1" });
  const again = await alice.send("exactly once", { rid: "retry-1" });
  assertEquals([first.type, again.type], ["ack", "ack"]);
  assertEquals(again.id, first.id);
  assertEquals((await alice.send("next", { rid: "retry-2" })).type, "ack");
  await bob.waitFor(isText("message", "next"));
  assertEquals(bob.messages.filter(isText("message", "exactly once")).length, 1, bob.describe());
});

Deno.test("other users' line breaks and control characters cannot fake or garble output", async () => {
  const tricky = ["two\nlines", "bell\x07 and \x1b[2J clear", "tab\there"];
  await using server = await startServer();
  await using json = spawnJoin([server.address, "--nick", "json", "--json"], {
    passkey: server.passkey,
  });
  await json.ready();
  await using plain = spawnJoin([server.address, "--nick", "plain"], { passkey: server.passkey });
  await using mallory = await TestClient.join(server.port, {
    nick: "mallory",
    passkey: server.passkey,
  });
  for (const text of tricky) assertEquals((await mallory.send(text)).type, "ack");
  assertEquals((await mallory.send("the end")).type, "ack");

  for (const text of tricky) {
    await json.waitFor(isText("message", text), { what: JSON.stringify(text) });
  }
  const result = await json.close();
  assertJsonOnly(result.stdout, result.events);

  await plain.process.stdout.until(
    (lines) => lines.some((line) => line.includes("the end")) || undefined,
    { what: "the last message in plain output" },
  );
  const plainResult = await plain.close();
  assertEquals(plainResult.code, 0, plainResult.stderr);
  const output = plainResult.stdout.join("\n");
  assert(!output.includes("\x1b[2J"), `no raw escape sequence from another user:\n${output}`);
  assert(!output.includes("\x07"), `no raw BEL from another user:\n${output}`);
  assert(
    !plainResult.stdout.some((line) => line.startsWith("lines")),
    `a line break in a message cannot start a fake line:\n${output}`,
  );
});
