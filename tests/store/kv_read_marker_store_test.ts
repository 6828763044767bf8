import { assertEquals } from "@std/assert";
import { connectCluster, type NatsContext } from "../../src/store/nats/context.ts";
import { KvReadMarkerStore } from "../../src/store/nats/kv_read_marker_store.ts";
import { sharedNats, testNatsContext } from "../support/nats.ts";
import { readMarkerStoreContract } from "./read_marker_store_contract.ts";

readMarkerStoreContract("KvReadMarkerStore", async () => {
  const { context, cleanup } = await testNatsContext();
  const store = await KvReadMarkerStore.open(context);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await cleanup();
    },
  };
});

/** A second node of the cluster of `context`: its own connection, the same prefix. */
async function secondNode(context: NatsContext): Promise<NatsContext> {
  const servers = await sharedNats();
  return await connectCluster({
    servers: servers.urls,
    node: "n2",
    prefix: context.prefix,
    replicas: context.replicas,
  });
}

Deno.test("KvReadMarkerStore: a marker moved on one node is read on another", async () => {
  const { context, cleanup } = await testNatsContext();
  const other = await secondNode(context);
  try {
    const a = await KvReadMarkerStore.open(context);
    const b = await KvReadMarkerStore.open(other);
    await a.mark("o1", "@zoë", 4);
    assertEquals(await b.markers("o1"), new Map([["@zoë", 4]]));
    assertEquals(await b.mark("o1", "@zoë", 2), 4);
  } finally {
    await other.nc.close();
    await cleanup();
  }
});

Deno.test("KvReadMarkerStore: two nodes moving one marker at once never move it back", async () => {
  const { context, cleanup } = await testNatsContext();
  const other = await secondNode(context);
  try {
    const nodes = [await KvReadMarkerStore.open(context), await KvReadMarkerStore.open(other)];
    // Ids in an order where a plain put would leave a smaller one last.
    const ids = Array.from({ length: 60 }, (_, i) => (i * 37) % 60 + 1);
    const marks = ids.map((id, i) =>
      nodes[i % 2].mark("o1", "#lobby", id).then((now) => ({ id, now }))
    );
    for (const { id, now } of await Promise.all(marks)) {
      assertEquals(now >= id, true, `mark(${id}) resolved with ${now}`);
    }
    assertEquals(await nodes[0].markers("o1"), new Map([["#lobby", 60]]));
    assertEquals(await nodes[1].markers("o1"), new Map([["#lobby", 60]]));
  } finally {
    await other.nc.close();
    await cleanup();
  }
});

Deno.test("KvReadMarkerStore: markers() reads only its owner's keys, whatever the owner holds", async () => {
  const { context, cleanup } = await testNatsContext();
  try {
    const store = await KvReadMarkerStore.open(context);
    // An owner whose text would be a wildcard or a token boundary in a raw key.
    await store.mark("a.b", "#x", 1);
    await store.mark("a", "#y", 2);
    await store.mark(">", "#z", 3);
    await store.mark("", "#e", 4);
    assertEquals(await store.markers("a"), new Map([["#y", 2]]));
    assertEquals(await store.markers("a.b"), new Map([["#x", 1]]));
    assertEquals(await store.markers(">"), new Map([["#z", 3]]));
    assertEquals(await store.markers(""), new Map([["#e", 4]]));
  } finally {
    await cleanup();
  }
});
