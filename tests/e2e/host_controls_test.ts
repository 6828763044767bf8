/**
 * The host controls end to end (PROTOCOL.md section 3.5, issue 16): the host signs in with
 * `chat join --operator` and pipes commands into it, as a script would; the people it acts on
 * are real `chat join` processes or raw protocol clients; each action is seen by the others as a
 * notice, enforced by the server, and found in `chat audit --json`.
 */
import { assert, assertEquals, assertMatch, assertNotEquals } from "@std/assert";
import {
  type ChatServer,
  CliProcess,
  hasStackTrace,
  type JoinClient,
  type JsonEvent,
  makeTempDir,
  type Received,
  runJoin,
  spawnJoin,
  startServer,
  TestClient,
  toJoinResult,
} from "./_helpers.ts";

/** `chat join --operator --json` as the host, on the server's data dir, stdin kept open. */
async function host(server: ChatServer): Promise<JoinClient> {
  const client = spawnJoin([
    server.address,
    "--operator",
    "--data-dir",
    server.dataDir,
    "--json",
    "--nick",
    "host",
  ], { passkey: server.passkey });
  await client.ready();
  const welcome = client.events.find((event) => event.event === "welcome");
  assertEquals(welcome?.operator, true, "the host's welcome says it may use the host controls");
  return client;
}

/** Runs one host command and resolves with its `done` line (or fails with what came instead). */
async function command(client: JoinClient, line: string): Promise<JsonEvent> {
  const since = client.mark();
  await client.write(line);
  const answer = await client.waitFor(
    (event) => event.event === "done" || event.event === "room" || event.type === "error",
    { since, what: `the answer to ${line}` },
  );
  assert(answer.type !== "error", `${line} was refused: ${JSON.stringify(answer)}`);
  return answer;
}

/** A notice of `event` about `from`, as a raw client in the room receives it. */
function notice(watcher: TestClient, event: string, from: string): Promise<Received> {
  return watcher.waitFor(
    (m) => m.type === "notice" && m.event === event && m.from === from,
    { what: `the ${event} notice about ${from}` },
  );
}

/** The entries of `chat audit --json --operator`, newest first. */
async function auditLog(server: ChatServer): Promise<Record<string, unknown>[]> {
  await using cli = new CliProcess([
    "audit",
    server.address,
    "--json",
    "--operator",
    "--data-dir",
    server.dataDir,
  ], { env: { CHAT_PASSKEY: server.passkey } });
  await cli.closeStdin();
  const result = toJoinResult(cli, await cli.wait());
  assertEquals(result.code, 0, result.stderr);
  return result.events;
}

Deno.test("a host kicks through piped chat join --operator: seen, enforced with exit 6, audited", async () => {
  await using server = await startServer();
  await using operator = await host(server);
  await using watcher = await TestClient.join(server.port, {
    nick: "cy",
    passkey: server.passkey,
  });
  await using bo = spawnJoin([server.address, "--json", "--nick", "bo"], {
    passkey: server.passkey,
  });
  await bo.ready();

  const done = await command(operator, "/kick bo flooding the room");
  assert(done.text !== "", "done carries a sentence");
  const kicked = await notice(watcher, "kick", "bo");
  assertEquals([kicked.by, kicked.reason], ["host", "flooding the room"]);

  // The kicked client stops, with the server's sentence and its own exit code, and no retry.
  const result = await bo.close();
  assertEquals(result.code, 6, result.stderr);
  assertMatch(result.stderr, /^chat join: .+/);
  assert(!result.stderr.includes("Reconnecting"), result.stderr);
  assert(!hasStackTrace(result.stderr), result.stderr);

  const entries = await auditLog(server);
  assert(
    entries.some((entry) => entry.action === "kick" && entry.nick === "bo"),
    JSON.stringify(entries),
  );
});

Deno.test("a host mutes: the others see it, the muted user's post gets muted, unmute lifts it", async () => {
  await using server = await startServer();
  await using operator = await host(server);
  await using watcher = await TestClient.join(server.port, { nick: "cy", passkey: server.passkey });
  await using bo = await TestClient.join(server.port, { nick: "bo", passkey: server.passkey });

  await command(operator, "/mute bo 10m calm down");
  const muted = await notice(watcher, "mute", "bo");
  assertEquals([muted.by, muted.reason], ["host", "calm down"]);
  assert(typeof muted.until === "string", "a mute with a time says when it ends");

  const refused = await bo.send("still talking");
  assertEquals([refused.type, refused.code], ["error", "muted"]);
  const privately = await bo.private("cy", "psst");
  assertEquals([privately.type, privately.code], ["error", "muted"]);
  // Reading goes on.
  const since = bo.mark();
  await watcher.send("you can still read this");
  await bo.waitFor((m) => m.type === "message" && m.text === "you can still read this", {
    since,
  });

  await command(operator, "/unmute bo");
  await notice(watcher, "unmute", "bo");
  assertEquals((await bo.send("back")).type, "ack");

  const entries = await auditLog(server);
  for (const action of ["mute", "unmute"]) {
    assert(
      entries.some((entry) => entry.action === action && entry.nick === "bo"),
      `${action}: ${JSON.stringify(entries)}`,
    );
  }
});

Deno.test("a host bans: the banned owner stays out on every device and nick, and so does the address", async () => {
  await using server = await startServer();
  await using operator = await host(server);
  await using watcher = await TestClient.join(server.port, { nick: "cy", passkey: server.passkey });
  // bo comes from another machine (127.0.0.2): the address ban must not shut out the others.
  const bo = await TestClient.connect(server.port, "bo", { localAddress: "127.0.0.2" });
  const welcome = await bo.hello({ nick: "bo", passkey: server.passkey });
  assertEquals(welcome.type, "welcome");
  const device = welcome.device as string;
  assert(typeof device === "string", "the login made a device");

  await command(operator, "/ban bo -a 1h spam links");
  const banned = await notice(watcher, "ban", "bo");
  assertEquals([banned.by, banned.reason], ["host", "spam links"]);
  const error = await bo.waitFor((m) => m.type === "error", { what: "bo's banned error" });
  assertEquals([error.code, error.fatal], ["banned", true]);
  await bo.waitForClose();

  // The same owner, with the device, under another nick, from the usual address: refused.
  await using again = await TestClient.connect(server.port, "bo again");
  const byDevice = await again.hello({ nick: "bo2", passkey: server.passkey, device });
  assertEquals([byDevice.type, byDevice.code], ["error", "banned"]);
  // A new login with the passkey from the banned address, under any nick: refused.
  await using stranger = await TestClient.connect(server.port, "new face", {
    localAddress: "127.0.0.2",
  });
  const byAddress = await stranger.hello({ nick: "newface", passkey: server.passkey });
  assertEquals([byAddress.type, byAddress.code], ["error", "banned"]);

  // The host sees the ban, lifts it, and the audit log has both.
  const since = operator.mark();
  await operator.write("/bans");
  const list = await operator.waitFor((event) => event.event === "bans", { since });
  assert(
    (list.bans as { nick?: string }[]).some((ban) => ban.nick === "bo"),
    JSON.stringify(list),
  );
  await command(operator, "/unban bo");
  await command(operator, "/unban 127.0.0.2");
  await using back = await TestClient.connect(server.port, "bo back", {
    localAddress: "127.0.0.2",
  });
  assertEquals((await back.hello({ nick: "bo", passkey: server.passkey, device })).type, "welcome");

  const entries = await auditLog(server);
  for (const action of ["ban", "unban"]) {
    assert(
      entries.some((entry) => entry.action === action),
      `${action}: ${JSON.stringify(entries)}`,
    );
  }
});

Deno.test("a banned chat join exits with code 6 and does not come back with its remembered device", async () => {
  await using server = await startServer();
  await using operator = await host(server);
  await using bo = spawnJoin([server.address, "--json", "--nick", "bo"], {
    passkey: server.passkey,
  });
  await bo.ready();
  await command(operator, "/ban bo 1h");
  const first = await bo.close();
  assertEquals(first.code, 6, first.stderr);

  // The same machine again: its device for bo is remembered, and the passkey is given too.
  const again = await runJoin([server.address, "--json", "--nick", "bo"], {
    passkey: server.passkey,
    stdin: ["hello?"],
  });
  assertEquals(again.code, 6, again.stderr);
  assertMatch(again.stderr, /^chat join: .+/);
  assert(!hasStackTrace(again.stderr), again.stderr);
});

Deno.test("an ordinary user's /kick, piped into chat join --json, gets not_permitted", async () => {
  await using server = await startServer();
  await using target = await TestClient.join(server.port, { nick: "bo", passkey: server.passkey });
  const result = await runJoin([server.address, "--json", "--nick", "eve"], {
    passkey: server.passkey,
    stdin: ["/kick bo", "/ban bo", "/audit"],
  });
  const codes = result.events.filter((event) => event.type === "error").map((event) => event.code);
  assertEquals(
    codes,
    ["not_permitted", "not_permitted", "not_permitted"],
    result.stdout.join("\n"),
  );
  assertNotEquals(result.code, 0, "refused lines make the exit code non-zero");
  assert(!target.closed, "bo is still connected");
  assertEquals((await target.send("still here")).type, "ack");
});

Deno.test("chat audit by someone who is not an operator fails with one sentence", async () => {
  await using server = await startServer();
  await using cli = new CliProcess(["audit", server.address, "--json", "--nick", "eve"], {
    env: { CHAT_PASSKEY: server.passkey },
  });
  await cli.closeStdin();
  const result = toJoinResult(cli, await cli.wait());
  assertEquals(result.code, 1, result.stderr);
  assertEquals(result.stderrLines.length, 1, result.stderr);
  assertMatch(result.stderr, /^chat audit: .*--operator/);
  assertEquals(result.stdout, []);
});

Deno.test("an announcement room rejects an ordinary post and takes the host's", async () => {
  await using server = await startServer();
  await using operator = await host(server);
  const settings = await command(operator, "/room set news announce on");
  assertEquals((settings.settings as { announce: boolean }).announce, true);
  await using reader = await TestClient.join(server.port, {
    nick: "bo",
    passkey: server.passkey,
    room: "news",
  });
  const refused = await reader.send("can I post?");
  assertEquals([refused.type, refused.code], ["error", "not_permitted"]);

  const since = reader.mark();
  await operator.write("/join news");
  await operator.waitFor((event) => event.event === "joined" && event.room === "news");
  await operator.write("Exam moved to 10:00");
  await reader.waitFor((m) => m.type === "message" && m.text === "Exam moved to 10:00", { since });
});

Deno.test("a room passkey keeps out those without it, and /join ROOM PASSKEY lets them in", async () => {
  await using server = await startServer();
  await using operator = await host(server);
  await command(operator, "/room set staff passkey s3cret");

  await using bo = await TestClient.join(server.port, { nick: "bo", passkey: server.passkey });
  const without = await bo.request({ type: "join", rid: bo.rid(), room: "staff" });
  assertEquals([without.type, without.code], ["error", "room_locked"]);
  const wrong = await bo.request({ type: "join", rid: bo.rid(), room: "staff", passkey: "guess" });
  assertEquals([wrong.type, wrong.code], ["error", "room_locked"]);
  assert(!bo.closed, "a refused join leaves the connection open");
  await using outsider = await TestClient.connect(server.port, "cy");
  const hello = await outsider.hello({ nick: "cy", passkey: server.passkey, room: "staff" });
  assertEquals([hello.type, hello.code], ["error", "room_locked"]);

  // chat join in a script: the room's passkey with /join.
  const result = await runJoin([server.address, "--json", "--nick", "dee"], {
    passkey: server.passkey,
    stdin: ["/join staff s3cret", "in the staff room"],
  });
  assertEquals(result.code, 0, result.stderr);
  assert(
    result.events.some((event) => event.event === "joined" && event.room === "staff"),
    result.stdout.join("\n"),
  );
  assert(
    result.events.some((event) =>
      event.type === "message" && event.room === "staff" && event.text === "in the staff room"
    ),
    result.stdout.join("\n"),
  );
});

Deno.test("a raw client that claims powers it does not have is refused", async () => {
  await using server = await startServer();
  await using bo = await TestClient.join(server.port, { nick: "bo", passkey: server.passkey });
  await using eve = await TestClient.join(server.port, { nick: "eve", passkey: server.passkey });
  for (
    const request of [
      { type: "kick", nick: "bo" },
      { type: "ban", nick: "bo", address: true },
      { type: "op", nick: "eve" },
      { type: "room_set", room: "lobby", announce: true },
      { type: "audit" },
    ]
  ) {
    const reply = await eve.request({ ...request, rid: eve.rid() });
    assertEquals([reply.type, reply.code], ["error", "not_permitted"], JSON.stringify(request));
  }
  assert(!bo.closed);

  // A hello with a made-up operator credential: refused, or in without the powers.
  await using mallory = await TestClient.connect(server.port, "mallory");
  await mallory.sendMessage({
    type: "hello",
    v: 1,
    nick: "mallory",
    passkey: server.passkey,
    operator: "0".repeat(64),
  });
  const reply = await mallory.waitFor((m) => m.type === "welcome" || m.type === "error");
  if (reply.type === "welcome") {
    assertNotEquals(reply.operator, true);
    const kick = await mallory.request({ type: "kick", rid: mallory.rid(), nick: "bo" });
    assertEquals([kick.type, kick.code], ["error", "not_permitted"]);
  } else {
    assertEquals(reply.code, "not_permitted");
  }
  assert(!bo.closed);
});

Deno.test("chat join --operator with a wrong data dir is one sentence and exit code 2", async () => {
  await using server = await startServer();
  const result = await runJoin([
    server.address,
    "--operator",
    "--data-dir",
    `${server.dataDir}/nowhere`,
  ], { passkey: server.passkey });
  assertEquals(result.code, 2, result.stderr);
  assertEquals(result.stderrLines.length, 1, result.stderr);
  assertMatch(result.stderr, /^chat join: Cannot read the operator credential .*operator/);
});

Deno.test("a topic is announced, shown on join, and /who marks operators", async () => {
  await using server = await startServer();
  await using operator = await host(server);
  await using watcher = await TestClient.join(server.port, { nick: "cy", passkey: server.passkey });
  await command(operator, "/topic Exam at 10:00, no phones");
  const changed = await watcher.waitFor((m) => m.type === "notice" && m.event === "topic");
  assertEquals(changed.topic, "Exam at 10:00, no phones");

  const result = await runJoin([server.address, "--nick", "dee"], {
    passkey: server.passkey,
    stdin: ["/who", "/topic"],
  });
  assertEquals(result.code, 0, result.stderr);
  const out = result.stdout.join("\n");
  assertMatch(out, /You are in lobby with .*\. Topic: Exam at 10:00, no phones/);
  assertMatch(out, /In lobby: .*@host/);
  assertMatch(out, /Topic of lobby: Exam at 10:00, no phones/);
});

Deno.test("bans, mutes and roles hold across a restart of the server", async () => {
  await using dir = await makeTempDir();
  /** The device each person got at their first login: how they come back after the restart. */
  const devices = new Map<string, string>();
  let passkey: string;
  {
    await using server = await startServer({ dataDir: dir.path });
    passkey = server.passkey;
    await using operator = await host(server);
    const people: TestClient[] = [];
    for (const nick of ["bo", "cy", "dee"]) {
      const person = await TestClient.connect(server.port, nick);
      const welcome = await person.hello({ nick, passkey });
      devices.set(nick, welcome.device as string);
      people.push(person);
    }
    await command(operator, "/op cy");
    await command(operator, "/ban bo");
    await command(operator, "/mute dee");
    await people[0].waitForClose();
    for (const person of people) await person.close();
  }
  await using again = await startServer({ dataDir: dir.path, passkey });
  const back = async (nick: string) => {
    const client = await TestClient.connect(again.port, `${nick} after the restart`);
    return { client, welcome: await client.hello({ nick, passkey, device: devices.get(nick) }) };
  };
  const bo = await back("bo");
  assertEquals([bo.welcome.type, bo.welcome.code], ["error", "banned"]);
  const dee = await back("dee");
  assertEquals(dee.welcome.type, "welcome");
  const muted = await dee.client.send("am I heard?");
  assertEquals([muted.type, muted.code], ["error", "muted"]);
  const cy = await back("cy");
  assertEquals(
    [cy.welcome.type, cy.welcome.operator],
    ["welcome", true],
    "cy is still an operator",
  );
  for (const person of [bo, dee, cy]) await person.client.close();
});
