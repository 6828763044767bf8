import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { runJoin, startServer, stripAnsi, TestClient } from "./_helpers.ts";

Deno.test("piped lines are sent as messages and chat join exits 0 once they are acknowledged", async () => {
  await using server = await startServer();
  await using listener = await TestClient.join(server.port, {
    nick: "listener",
    passkey: server.passkey,
  });
  const banner = server.stdout.lines.length;
  // As from `printf 'hi\n\nbye\n' | chat join ...`: the empty line is skipped.
  const bot = await runJoin([server.address, "--nick", "bot", "--json"], {
    passkey: server.passkey,
    stdin: "hi\n\nbye\n",
  });
  assertEquals(bot.code, 0, bot.stderr);
  const hi = await listener.waitFor((m) => m.type === "message" && m.text === "hi");
  const bye = await listener.waitFor((m) => m.type === "message" && m.text === "bye");
  assertEquals([hi.from, bye.from], ["bot", "bot"]);
  assert(Number(hi.id) < Number(bye.id), "in the order they were piped");
  const fromBot = listener.messages.filter((m) => m.type === "message" && m.from === "bot");
  assertEquals(fromBot.map((m) => m.text), ["hi", "bye"], "nothing else, no empty message");
  assertEquals(server.stdout.lines.slice(banner), [], "the server logs to stderr, not stdout");
  assertEquals(
    bot.events.filter((e) => e.from === "bot" && e.type === "message").map((e) => e.text),
    ["hi", "bye"],
  );
});

Deno.test("a last line without a newline is still sent", async () => {
  await using server = await startServer();
  await using listener = await TestClient.join(server.port, {
    nick: "listener",
    passkey: server.passkey,
  });
  const bot = await runJoin([server.address, "--nick", "bot"], {
    passkey: server.passkey,
    stdin: "first\nno newline at the end",
  });
  assertEquals(bot.code, 0, bot.stderr);
  await listener.waitFor((m) => m.type === "message" && m.text === "no newline at the end");
});

Deno.test("plain output mode prints readable lines with the text", async () => {
  await using server = await startServer();
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  assertEquals((await alice.send("a line from history")).type, "ack");
  const bot = await runJoin([server.address, "--nick", "bot"], {
    passkey: server.passkey,
    stdin: ["hello in plain mode"],
  });
  assertEquals(bot.code, 0, bot.stderr);
  const output = bot.stdout.map(stripAnsi).join("\n");
  assertStringIncludes(output, "a line from history");
  assertStringIncludes(output, "alice");
  assertStringIncludes(output, "hello in plain mode");
  assert(
    bot.stdout.every((line) => !line.trimStart().startsWith("{")),
    `plain mode is not JSON:\n${output}`,
  );
  await alice.waitFor((m) => m.type === "message" && m.text === "hello in plain mode");
});

Deno.test("--room places the client in that room", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using inLab = await TestClient.join(server.port, { nick: "labrat", passkey, room: "lab" });
  await using inLobby = await TestClient.join(server.port, { nick: "idler", passkey });
  const bot = await runJoin([server.address, "--nick", "bot", "--room", "lab", "--json"], {
    passkey,
    stdin: ["only for the lab"],
  });
  assertEquals(bot.code, 0, bot.stderr);
  const message = await inLab.waitFor((m) => m.type === "message" && m.text === "only for the lab");
  assertEquals(message.room, "lab");
  assertEquals(bot.events.find((e) => e.text === "only for the lab")?.room, "lab");
  const shouted = await runJoin([server.address, "--nick", "bot2", "--room", "#LAB", "--json"], {
    passkey,
    stdin: ["#LAB is lab"],
  });
  assertEquals(shouted.code, 0, shouted.stderr);
  const same = await inLab.waitFor((m) => m.type === "message" && m.text === "#LAB is lab");
  assertEquals(same.room, "lab", "room names drop a leading # and are case-insensitive");
  await inLobby.ping();
  assertEquals(
    inLobby.messages.filter((m) => m.type !== "pong" && String(m.from).startsWith("bot")),
    [],
    "the lobby sees nothing of it",
  );
});

Deno.test("a burst of 300 piped lines all arrive, once and in order", async () => {
  await using server = await startServer({ quiet: true });
  await using listener = await TestClient.join(server.port, {
    nick: "listener",
    passkey: server.passkey,
  });
  const lines = Array.from({ length: 300 }, (_, i) => `burst line ${i}`);
  const bot = await runJoin([server.address, "--nick", "bot", "--json"], {
    passkey: server.passkey,
    stdin: lines,
  });
  assertEquals(bot.code, 0, bot.stderr);
  assertEquals(
    bot.events.filter((e) => e.type === "message" && e.from === "bot").map((e) => e.text),
    lines,
    "the sender printed each of its lines once, in order",
  );
  await listener.waitFor((m) => m.type === "message" && m.text === lines.at(-1));
  assertEquals(
    listener.messages.filter((m) => m.type === "message" && m.from === "bot").map((m) => m.text),
    lines,
  );
});

Deno.test("/quit ends the input: later lines are not sent and chat join exits 0", async () => {
  await using server = await startServer();
  await using listener = await TestClient.join(server.port, {
    nick: "listener",
    passkey: server.passkey,
  });
  const bot = await runJoin([server.address, "--nick", "bot", "--json"], {
    passkey: server.passkey,
    stdin: ["before quitting", "/quit", "after quitting"],
  });
  assertEquals(bot.code, 0, bot.stderr);
  await listener.waitFor((m) => m.type === "notice" && m.event === "leave" && m.from === "bot");
  const texts = listener.messages.filter((m) => m.type === "message").map((m) => m.text);
  assertEquals(texts, ["before quitting"]);
});
