import { assert, assertEquals } from "@std/assert";
import { KvRegistry, type KvRegistryOptions } from "../../src/store/nats/kv_registry.ts";
import { connectCluster, type NatsContext } from "../../src/store/nats/context.ts";
import { sharedNats, testNatsContext } from "../support/nats.ts";
import { registryContract } from "./registry_contract.ts";

registryContract("KvRegistry", async () => {
  const { context, cleanup } = await testNatsContext();
  const registry = await KvRegistry.open(context);
  return {
    registry,
    cleanup: async () => {
      await registry.close();
      await cleanup();
    },
  };
});

/** Short times, so that a dead node is noticed within a second or two. */
const FAST: KvRegistryOptions = { heartbeatMs: 100, deadAfterMs: 600, checkMs: 100 };

/** Nodes sharing one prefix on the shared server, closed (registry, then connection) on dispose. */
async function cluster(names: string[]) {
  const servers = await sharedNats();
  const first = await testNatsContext(names[0]);
  const contexts: NatsContext[] = [first.context];
  for (const node of names.slice(1)) {
    contexts.push(
      await connectCluster({
        servers: servers.urls,
        node,
        prefix: first.context.prefix,
        replicas: 1,
      }),
    );
  }
  const registries: KvRegistry[] = [];
  return {
    contexts,
    /** Opens the registry of node `index`. */
    async open(index: number): Promise<KvRegistry> {
      const registry = await KvRegistry.open(contexts[index], FAST);
      registries.push(registry);
      return registry;
    },
    async [Symbol.asyncDispose]() {
      for (const registry of registries) await registry.close();
      for (const context of contexts) await context.nc.close();
    },
  };
}

/** Polls `check` until it holds, failing with `what` after `timeoutMs`. */
async function until(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!await check()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("KvRegistry: what one node writes, another node lists", async () => {
  await using nodes = await cluster(["a", "b"]);
  const a = await nodes.open(0);
  const b = await nodes.open(1);
  await a.claim("Ada", "a/m1");
  await a.enter("lab", "a/m1");
  await b.claim("bo", "b/m1");
  await b.enter("lab", "b/m1");
  await b.setAway("b/m1", "lunch");
  for (const [name, registry] of [["a", a], ["b", b]] as const) {
    await until(
      `node ${name} to list both`,
      async () => (await registry.members("lab")).length === 2,
    );
    assertEquals(await registry.members("lab"), ["Ada", "bo"]);
    assertEquals(await registry.rooms(), [{ name: "lab", users: 2 }, { name: "lobby", users: 0 }]);
    assertEquals(await registry.holder("ADA"), { holder: "a/m1", nick: "Ada" });
    await until(
      `node ${name} to see bo away`,
      async () => (await registry.awayIn("lab")).length > 0,
    );
    assertEquals(await registry.awayIn("lab"), ["bo"]);
    assertEquals(await registry.online(), 2);
  }
  await a.leave("lab", "a/m1");
  await until("node b to see Ada leave", async () => await b.count("lab") === 1);
  assertEquals(await b.members("lab"), ["bo"]);
});

Deno.test("KvRegistry: claims of one nick from two nodes at once give it to exactly one", async () => {
  await using nodes = await cluster(["a", "b"]);
  const a = await nodes.open(0);
  const b = await nodes.open(1);
  for (let round = 0; round < 10; round++) {
    const nick = `nick${round}`;
    const [byA, byB] = await Promise.all([
      a.claim(nick, `a/m${round}`),
      b.claim(nick, `b/m${round}`),
    ]);
    assert(byA !== byB, `round ${round}: a ${byA}, b ${byB}`);
    const winner = byA ? `a/m${round}` : `b/m${round}`;
    for (const registry of [a, b]) {
      await until(
        `the winner of ${nick} everywhere`,
        async () => (await registry.holder(nick))?.holder === winner,
      );
    }
  }
  assertEquals(await a.online(), 10);
});

Deno.test("KvRegistry: a take from another node moves the nick, and the loser cannot free it", async () => {
  await using nodes = await cluster(["a", "b"]);
  const a = await nodes.open(0);
  const b = await nodes.open(1);
  await a.claim("ada", "a/m1");
  await a.enter("lobby", "a/m1");
  await a.setAway("a/m1", "gone");
  assertEquals(await b.take("ada", "b/m1"), "a/m1");
  await b.enter("lobby", "b/m1");
  await until("node a to see the take", async () => (await a.holder("ada"))?.holder === "b/m1");
  await until("node a to list ada once", async () => (await a.count("lobby")) === 2);
  assertEquals(await a.members("lobby"), ["ada"]);
  assertEquals(await a.awayIn("lobby"), [], "the taken holder's away mark is gone");
  await a.release("ada", "a/m1");
  assertEquals((await b.holder("ada"))?.holder, "b/m1");
  assertEquals(await a.claim("ada", "a/m1"), false);
});

Deno.test("KvRegistry: a node that stops heartbeating is cleaned up by the others", async () => {
  await using nodes = await cluster(["a", "b"]);
  const a = await nodes.open(0);
  const b = await nodes.open(1);
  await a.claim("ada", "a/m1");
  await a.enter("lab", "a/m1");
  await a.setAway("a/m1", "");
  await b.claim("bo", "b/m1");
  await b.enter("lab", "b/m1");
  await until("node b to list ada", async () => (await b.members("lab")).includes("ada"));
  await a.close(); // As a crash: nothing removed, no more heartbeats.
  await until("node b to drop ada", async () => (await b.members("lab")).length === 1, 5_000);
  assertEquals(await b.members("lab"), ["bo"]);
  assertEquals(await b.count("lab"), 1, "the membership is gone, not only the nick");
  assertEquals(await b.awayIn("lab"), []);
  assertEquals(await b.claim("ada", "b/m2"), true, "the nick is free");
  assertEquals(await b.online(), 2);
});

Deno.test("KvRegistry: a live node is not cleaned up while a dead one is", async () => {
  await using nodes = await cluster(["a", "b", "c"]);
  const a = await nodes.open(0);
  const b = await nodes.open(1);
  const c = await nodes.open(2);
  await a.claim("ada", "a/m1");
  await a.enter("lab", "a/m1");
  await c.claim("cy", "c/m1");
  await c.enter("lab", "c/m1");
  await until("node b to list both", async () => (await b.count("lab")) === 2);
  await c.close();
  await until("node b to drop cy", async () => (await b.count("lab")) === 1, 5_000);
  assertEquals(await b.members("lab"), ["ada"], "a kept heartbeating and keeps its member");
  assertEquals(await a.members("lab"), ["ada"]);
});

Deno.test("KvRegistry: a node that opens again removes what its previous run left", async () => {
  await using nodes = await cluster(["a", "b"]);
  const first = await nodes.open(0);
  const b = await nodes.open(1);
  await first.claim("ada", "a/m1");
  await first.enter("lab", "a/m1");
  await until("node b to list ada", async () => (await b.count("lab")) === 1);
  await first.close();
  const again = await nodes.open(0);
  assertEquals(await again.count("lab"), 0);
  assertEquals(await again.holder("ada"), undefined);
  assertEquals(await again.claim("ada", "a/m1"), true);
});
