import { assertEquals, assertFalse } from "@std/assert";
import { type JsonEvent, spawnJoin, startServer, TestClient } from "./_helpers.ts";

Deno.test("chat join --json marks the events that mention you with mention: true, and no other", async () => {
  await using server = await startServer({ quiet: true });
  const passkey = server.passkey;
  await using ada = spawnJoin([server.address, "--nick", "ada", "--json"], { passkey });
  await ada.ready();
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey });

  for (const text of ["@ada look", "hello all", "@adam is not ada", "write to me@ada.example"]) {
    assertEquals((await bob.send(text)).type, "ack");
  }
  assertEquals((await bob.send("waves at @ADA", { action: true })).type, "ack");
  assertEquals((await bob.private("ada", "psst @ada")).type, "ack");
  await ada.write("/nick ada2");
  await ada.waitFor((e) => e.event === "nick" && e.nick === "ada2", { what: "the new nick" });
  assertEquals((await bob.send("@ada2 and @ada")).type, "ack");
  await ada.write("@ada2 talks to herself");
  await ada.waitFor((e) => e.text === "@ada2 and @ada", { what: "the last message from bob" });
  await ada.waitFor((e) => e.text === "@ada2 talks to herself", { what: "ada's own line" });

  const result = await ada.close();
  assertEquals(result.code, 0, result.stderr);
  const event = (text: string): JsonEvent => {
    const found = result.events.find((e) => e.text === text);
    if (found === undefined) throw new Error(`No event "${text}" in:\n${result.stdout.join("\n")}`);
    return found;
  };
  assertEquals(event("@ada look").mention, true);
  assertEquals(event("waves at @ADA").mention, true, "an action, in another case");
  assertEquals(event("psst @ada").mention, true, "a private message");
  assertEquals(event("@ada2 and @ada").mention, true, "by the nick of the moment");
  const own = event("@ada2 talks to herself");
  assertEquals(own.from, "ada2");
  for (const other of ["hello all", "@adam is not ada", "write to me@ada.example", own.text!]) {
    assertFalse("mention" in event(other), `no mention field: ${JSON.stringify(event(other))}`);
  }
  assertFalse(result.stdout.some((line) => line.includes("\x07")), "no bell on a piped stdout");
  assertFalse(result.stderr.includes("\x07"), "no bell by default when stdout is not a terminal");
});

Deno.test("chat join --bell with stdout piped rings on stderr, never among the JSON lines", async () => {
  await using server = await startServer({ quiet: true });
  const passkey = server.passkey;
  await using ada = spawnJoin([server.address, "--nick", "ada", "--json", "--bell"], { passkey });
  await ada.ready();
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey });

  assertEquals((await bob.send("no bell for this")).type, "ack");
  assertEquals((await bob.send("@ada ring")).type, "ack");
  assertEquals((await bob.private("ada", "ring again")).type, "ack");
  await ada.waitFor((e) => e.text === "ring again", { what: "the private message" });

  const result = await ada.close();
  assertEquals(result.code, 0, result.stderr);
  assertEquals([...result.stderr].filter((char) => char === "\x07").length, 2, "two bells");
  for (const line of result.stdout) {
    assertFalse(line.includes("\x07"), `a bell in ${JSON.stringify(line)}`);
    JSON.parse(line);
  }
});
