import { assertEquals } from "@std/assert";
import { connectCluster } from "../../src/store/nats/context.ts";
import { KvIdentityStore } from "../../src/store/nats/kv_identity_store.ts";
import { startNats, uniqueNatsPrefix } from "../support/nats.ts";

Deno.test("KvIdentityStore: claims racing on two nodes while the bucket's leader is killed each end with one owner", async () => {
  await using nats = await startNats({ servers: 3 });
  const prefix = uniqueNatsPrefix();
  const a = await connectCluster({ servers: nats.urls, node: "a", prefix, replicas: 3 });
  const b = await connectCluster({
    servers: [...nats.urls].reverse(),
    node: "b",
    prefix,
    replicas: 3,
  });
  try {
    const [storeA, storeB] = [await KvIdentityStore.open(a), await KvIdentityStore.open(b)];
    await storeA.claimNick("before", "oa", 1);
    const info = await a.jsm.streams.info(`KV_${prefix}_identity`);
    const leader = Number(info.cluster?.leader?.replace(/^n/, "")) - 1;
    assertEquals(leader >= 0 && leader < 3, true, `leader ${info.cluster?.leader}`);
    const nicks = Array.from({ length: 30 }, (_, i) => `nick${i}`);
    const { promise: fifthDone, resolve: fifth } = Promise.withResolvers<void>();
    const claims = (async () => {
      const results = [];
      for (const [i, nick] of nicks.entries()) {
        results.push(
          await Promise.all([storeA.claimNick(nick, "oa", 2), storeB.claimNick(nick, "ob", 3)]),
        );
        if (i === 4) fifth();
      }
      return results;
    })();
    await fifthDone;
    await nats.kill(leader);
    for (const [i, [fromA, fromB]] of (await claims).entries()) {
      assertEquals(fromA, fromB, `both claims of ${nicks[i]} answer with the same owner`);
      assertEquals(await storeB.nickOwner(nicks[i]), fromA);
    }
    const after = await a.jsm.streams.info(`KV_${prefix}_identity`);
    assertEquals(after.cluster?.leader !== info.cluster?.leader, true, "a new leader took over");
    const listed = [...await storeA.nicksOf("oa"), ...await storeB.nicksOf("ob")];
    assertEquals(listed.filter((nick) => nick !== "before").sort(), nicks.sort());
  } finally {
    await a.nc.close();
    await b.nc.close();
  }
});
