import { assertEquals } from "@std/assert";
import { connectCluster } from "../../src/store/nats/context.ts";
import { KvFailureCounter } from "../../src/store/nats/kv_failure_counter.ts";
import { sharedNats, testNatsContext } from "../support/nats.ts";
import { failureCounterContract } from "./failure_counter_contract.ts";

failureCounterContract("KvFailureCounter", async () => {
  const { context, cleanup } = await testNatsContext();
  const counter = await KvFailureCounter.open(context);
  return {
    counter,
    cleanup: async () => {
      await counter.close();
      await cleanup();
    },
  };
});

Deno.test("KvFailureCounter: failures counted on two nodes at once are all counted by both", async () => {
  const { context, cleanup } = await testNatsContext();
  const other = await connectCluster({
    servers: (await sharedNats()).urls,
    node: "n2",
    prefix: context.prefix,
    replicas: context.replicas,
  });
  try {
    const nodes = [await KvFailureCounter.open(context), await KvFailureCounter.open(other)];
    const counts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => nodes[i % 2].fail("192.0.2.7", 1000 + i)),
    );
    // Each node was told a different count: none was counted twice or lost.
    assertEquals(counts.map((record) => record.failures).sort((a, b) => a - b), [
      ...Array.from({ length: 40 }, (_, i) => i + 1),
    ]);
    assertEquals(await nodes[1].get("192.0.2.7"), { failures: 40, last: 1039 });
    await nodes[0].clear("192.0.2.7", 2000);
    assertEquals(await nodes[1].get("192.0.2.7"), { failures: 0, last: 2000 });
  } finally {
    await other.nc.close();
    await cleanup();
  }
});
