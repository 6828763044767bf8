import { assert, assertEquals } from "@std/assert";
import { type JsonEvent, runJoin, spawnJoin, startServer, TestClient } from "./_helpers.ts";

const SECRET = "the vault code is 1234";

function mentionsSecret(events: readonly JsonEvent[]): JsonEvent[] {
  return events.filter((e) => JSON.stringify(e).includes("vault code"));
}

Deno.test("/msg reaches only its recipient and never a third client or its history", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using bob = spawnJoin([server.address, "--nick", "bob", "--json"], { passkey });
  await using carol = spawnJoin([server.address, "--nick", "carol", "--json"], { passkey });
  await using spy = await TestClient.join(server.port, { nick: "spy", passkey });
  await Promise.all([bob.ready(), carol.ready()]);

  const alice = await runJoin([server.address, "--nick", "alice", "--json"], {
    passkey,
    stdin: [`/msg bob ${SECRET}`, "public marker after the secret"],
  });
  assertEquals(alice.code, 0, alice.stderr);
  const own = alice.events.filter((e) => e.text === SECRET);
  assertEquals(own.length, 1, `alice sees her private line once:\n${alice.stdout.join("\n")}`);
  assertEquals(own[0].type, "private");
  assertEquals(own[0].from, "alice");

  const atBob = await bob.waitFor((e) => e.type === "private" && e.text === SECRET, {
    what: "the private message",
  });
  assertEquals(atBob.from, "alice");
  assertEquals(typeof atBob.id, "number");
  await bob.waitFor((e) => e.text === "public marker after the secret", { what: "the marker" });

  // The marker was sent after the secret, so anything carol could have got came before it.
  await carol.waitFor((e) => e.type === "message" && e.text === "public marker after the secret", {
    what: "the public marker",
  });
  await spy.waitFor((m) => m.type === "message" && m.text === "public marker after the secret");
  const carolResult = await carol.close();
  assertEquals(carolResult.code, 0, carolResult.stderr);
  assertEquals(mentionsSecret(carolResult.events), [], "carol never sees the secret");
  assertEquals(spy.messages.filter((m) => JSON.stringify(m).includes("vault code")), []);

  // Carol comes back: the room's history has the marker but not the secret.
  await using back = spawnJoin([server.address, "--nick", "carol", "--json"], { passkey });
  await back.waitFor((e) => e.history === true && e.text === "public marker after the secret", {
    what: "the marker in carol's history",
  });
  await back.ready();
  const since = back.mark();
  await back.write("/history 100");
  await back.ready();
  const rejoined = await back.close();
  assertEquals(rejoined.code, 0, rejoined.stderr);
  assertEquals(mentionsSecret(rejoined.events), [], "the secret is not in the room's history");
  assert(rejoined.events.length > since);

  const rid = spy.rid();
  const before = spy.mark();
  await spy.sendMessage({ type: "history", limit: 500, rid });
  await spy.waitFor((m) => m.type === "history_end" && m.rid === rid, { since: before });
  const page = spy.messages.slice(before);
  assert(page.some((m) => m.history === true && m.text === "public marker after the secret"));
  assertEquals(page.filter((m) => JSON.stringify(m).includes("vault code")), []);
  assertEquals((await bob.close()).code, 0);
});

Deno.test("chat join in a script: after /query ben the lines go to ben alone, after /query back to the room", async () => {
  await using server = await startServer({ quiet: true });
  const passkey = server.passkey;
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey });
  const ana = await runJoin([server.address, "--nick", "ana", "--json"], {
    passkey,
    stdin: ["/query ben", "just for you", "/query", "for the room"],
  });
  assertEquals(ana.code, 0, ana.stderr);
  const opened = ana.events.find((e) => e.event === "query" && e.with === "ben");
  assert(opened !== undefined, `a query event:\n${ana.stdout.join("\n")}`);
  await ben.waitFor((m) => m.type === "message" && m.text === "for the room", {
    what: "the room line",
  });
  const heard = ben.messages.filter((m) => m.type === "private" || m.type === "message");
  assertEquals(heard.map((m) => [m.type, m.from, m.text]), [
    ["private", "ana", "just for you"],
    ["message", "ana", "for the room"],
  ]);
});
