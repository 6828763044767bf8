import { assert, assertEquals } from "@std/assert";
import { makeTempDir, startServer, TestClient, unusedPort } from "./_helpers.ts";
import { restart } from "./_faults.ts";

/** Everything `client` received, as one string to search for a secret. */
function everything(client: TestClient): string {
  return client.messages.map((message) => JSON.stringify(message)).join("\n");
}

Deno.test("a stranger cannot take a nick after its owner quit; once the host frees it, they read none of its past private messages", async () => {
  await using dir = await makeTempDir();
  const options = { port: unusedPort(), dataDir: dir.path };
  let passkey: string;
  {
    await using server = await startServer(options);
    passkey = server.passkey;
    await using alice = await TestClient.join(server.port, { nick: "alice", passkey });
    {
      await using bob = await TestClient.join(server.port, { nick: "bob", passkey });
      assertEquals((await alice.private("bob", "the vault code is 1234")).type, "ack");
      assertEquals((await bob.private("alice", "and the alarm is off")).type, "ack");
      await bob.sendMessage({ type: "quit" });
      await bob.waitForClose();
    }
    await using mallory = await TestClient.connect(server.port, "mallory");
    const refused = await mallory.hello({ nick: "bob", passkey, since: 0, stranger: true });
    assertEquals([refused.type, refused.code], ["error", "nick_owned"]);
  }

  // The host frees the nick; anyone with the passkey may take it, keep its token, come back.
  await using server = await restart({
    ...options,
    passkey,
    extraArgs: ["--release-nick", "bob"],
  });
  let token: string;
  {
    await using mallory = await TestClient.join(server.port, {
      nick: "bob",
      passkey,
      stranger: true,
    });
    token = String(mallory.messages.find((message) => message.type === "welcome")?.resume);
    await mallory.close();
  }
  await using again = await TestClient.connect(server.port, "bob");
  const welcome = await again.hello({ nick: "bob", passkey, resume: token, since: 0 });
  assertEquals(welcome.type, "welcome");
  await again.waitFor((message) => message.type === "history_end", { what: "the catch-up" });
  await again.ping();
  const leaked = again.messages.filter((message) => message.type === "private");
  assertEquals(leaked, [], `private messages leaked: ${leaked.length}`);
  assert(!everything(again).includes("vault code"), everything(again));
});

Deno.test("a new client that logs in as a past nick and reuses its rid has its message stored and shown", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using watcher = await TestClient.join(server.port, { nick: "watcher", passkey });
  let old: number;
  {
    await using quinn = await TestClient.join(server.port, { nick: "quinn", passkey });
    const ack = await quinn.send("an old message", { rid: "1" });
    old = Number(ack.id);
  }
  await using quinn = await TestClient.join(server.port, { nick: "quinn", passkey });
  const ack = await quinn.send("a new message", { rid: "1" });
  assertEquals(ack.type, "ack", JSON.stringify(ack));
  assert(Number(ack.id) > old, `a new id, not the old ${old}: ${JSON.stringify(ack)}`);
  await watcher.waitFor(
    (message) => message.type === "message" && message.text === "a new message",
    {
      what: "the new message at the watcher",
    },
  );
  const reused = await quinn.send("a different text", { rid: "1" });
  assertEquals([reused.type, reused.code], ["error", "rid_reused"], JSON.stringify(reused));
});

Deno.test("a private message to someone who dropped a moment ago reaches them when they resume", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using alice = await TestClient.join(server.port, { nick: "alice", passkey });
  let token: string;
  let seen: number;
  {
    await using bob = await TestClient.join(server.port, { nick: "bob", passkey });
    token = String(bob.messages.find((message) => message.type === "welcome")?.resume);
    seen = Number((await bob.send("bob was here")).id);
    // Dropped without a quit, as a laptop that closes its lid.
    await bob.close();
  }
  await alice.waitFor((message) => message.type === "notice" && message.event === "leave");
  const ack = await alice.private("bob", "are you back?");
  assertEquals(ack.type, "ack", JSON.stringify(ack));
  await using bob = await TestClient.connect(server.port, "bob");
  await bob.hello({ nick: "bob", passkey, resume: token, since: seen });
  const delivered = await bob.waitFor(
    (message) => message.type === "private" && message.text === "are you back?",
    { what: "the private message in the catch-up" },
  );
  assertEquals(delivered.id, ack.id);
});
