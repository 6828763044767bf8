import { assertEquals } from "@std/assert";
import { KvRegistry, type KvRegistryOptions } from "../../src/store/nats/kv_registry.ts";
import { connectCluster, type NatsContext } from "../../src/store/nats/context.ts";
import { startNats, uniqueNatsPrefix } from "../support/nats.ts";

/**
 * Heartbeats much shorter than a leader election (5–7 s), which must not look like deaths, and the
 * default deadline: with 1 s, a node still reconnecting after its server died was seen as dead
 * in two runs of three and its new members removed.
 */
const FAST: KvRegistryOptions = { heartbeatMs: 250, deadAfterMs: 5_000, checkMs: 250 };

/** Polls `check` until it holds, failing with `what` after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!await check().catch(() => false)) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test({
  name:
    "KvRegistry: killing the registry leader's nats-server loses no member and kills no live node",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using nats = await startNats({ servers: 3 });
    const prefix = uniqueNatsPrefix();
    const contexts: NatsContext[] = [];
    const registries: KvRegistry[] = [];
    try {
      for (const node of ["a", "b", "c"]) {
        const context = await connectCluster({ servers: nats.urls, node, prefix, replicas: 3 });
        contexts.push(context);
        registries.push(await KvRegistry.open(context, FAST));
      }
      const [a, b, c] = registries;
      await a.claim("ada", "a/m1");
      await a.enter("lab", "a/m1");
      await c.claim("cy", "c/m1");
      await c.enter("lab", "c/m1");
      await until("node b to list both", async () => await b.count("lab") === 2);

      const info = await contexts[1].jsm.streams.info(`KV_${prefix}_registry`);
      const leader = Number(info.cluster?.leader?.replace(/^n/, "")) - 1;
      assertEquals(leader >= 0 && leader < 3, true, `leader ${info.cluster?.leader}`);
      await nats.kill(leader); // The registry's leader: no write succeeds until a new one.
      await until("node b to claim during or after the election", () => b.claim("bo", "b/m1"));
      await b.enter("lab", "b/m1");
      await until("node a to see bo", async () => (await a.members("lab")).includes("bo"));

      await c.close(); // A crash of node c after the election: its member must go, a's stay.
      await until("node b to drop cy", async () => !(await b.members("lab")).includes("cy"));
      assertEquals(await b.members("lab"), ["ada", "bo"]);
      assertEquals(await a.members("lab"), ["ada", "bo"]);
    } finally {
      for (const registry of registries) await registry.close();
      for (const context of contexts) await context.nc.close();
    }
  },
});
