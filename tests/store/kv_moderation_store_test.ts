import { assert, assertEquals } from "@std/assert";
import { connectCluster, type NatsContext } from "../../src/store/nats/context.ts";
import { KvModerationStore } from "../../src/store/nats/kv_moderation_store.ts";
import { DEFAULT_ROOM_SETTINGS } from "../../src/store/mod.ts";
import { sharedNats, startNats, testNatsContext } from "../support/nats.ts";
import { moderationStoreContract } from "./moderation_store_contract.ts";

moderationStoreContract("KvModerationStore", async () => {
  const { context, cleanup } = await testNatsContext();
  const store = await KvModerationStore.open(context);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await cleanup();
    },
  };
});

/** How long a change made on one node may take to reach another's view. */
const PROPAGATION_MS = 5000;

/** Resolves once `condition` holds; fails the test with `label` after `ms`. */
async function until(
  label: string,
  condition: () => Promise<boolean>,
  ms = PROPAGATION_MS,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Two nodes of one cluster (two connections, one prefix), each with its store, and cleanup. */
async function twoNodes(): Promise<{
  a: KvModerationStore;
  b: KvModerationStore;
  contexts: NatsContext[];
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const { context, cleanup } = await testNatsContext();
  const other = await connectCluster({
    servers: (await sharedNats()).urls,
    node: "n2",
    prefix: context.prefix,
    replicas: context.replicas,
  });
  const a = await KvModerationStore.open(context);
  const b = await KvModerationStore.open(other);
  return {
    a,
    b,
    contexts: [context, other],
    async [Symbol.asyncDispose]() {
      await a.close();
      await b.close();
      await other.nc.close();
      await cleanup();
    },
  };
}

Deno.test("KvModerationStore: a mute or ban made on one node holds on another within a moment", async () => {
  await using nodes = await twoNodes();
  const { a, b } = nodes;
  await a.addMute({ owner: "o2", nick: "ben", by: "ana", at: 1 });
  await until("b to see the mute", async () => (await b.muteOf("o2", 2)) !== undefined);
  assertEquals(await b.muteOf("o2", 2), { owner: "o2", nick: "ben", by: "ana", at: 1 });
  await a.addBan({ nick: "cy", address: "192.0.2.9", by: "ana", at: 1 });
  await until("b to see the ban", async () => (await b.bans(2)).length === 1);
  await a.setOperator("Dee", true);
  await until("b to see the operator", () => b.isOperator("dee"));
  const settings = { ...DEFAULT_ROOM_SETTINGS, closed: true };
  await a.setRoomSettings("lab", settings);
  await until("b to see the settings", async () => (await b.roomSettings("lab")).closed);

  assertEquals(await b.removeMute("o2"), true);
  await until("a to see the unmute", async () => (await a.muteOf("o2", 2)) === undefined);
  assertEquals(await b.removeBans({ nick: "CY" }), 1);
  await until("a to see the unban", async () => (await a.bans(2)).length === 0);
});

Deno.test("KvModerationStore: a node opened later reads everything at open", async () => {
  const { context, cleanup } = await testNatsContext();
  try {
    const first = await KvModerationStore.open(context);
    await first.setOperator("ana", true);
    await first.addBan({ nick: "ben", owner: "o2", by: "ana", at: 1, reason: "spam\u0000!" });
    await first.addMute({ owner: "o3", nick: "zoë", by: "ana", at: 1 });
    await first.setOperator("ana", false);
    await first.setOperator("ana", true);
    await first.close();
    const second = await KvModerationStore.open(context);
    assertEquals(await second.operators(), ["ana"]);
    assertEquals(await second.bans(2), [
      { nick: "ben", owner: "o2", by: "ana", at: 1, reason: "spam\u0000!" },
    ]);
    assertEquals((await second.muteOf("o3", 2))?.nick, "zoë");
    await second.close();
  } finally {
    await cleanup();
  }
});

Deno.test("KvModerationStore: two nodes making one operator at once: exactly one changes it", async () => {
  await using nodes = await twoNodes();
  const { a, b } = nodes;
  for (let i = 0; i < 10; i++) {
    const nick = `op${i}`;
    const made = await Promise.all([a.setOperator(nick, true), b.setOperator(nick, true)]);
    assertEquals(made.filter(Boolean).length, 1, `setOperator(${nick}) on both: ${made}`);
    const unmade = await Promise.all([a.setOperator(nick, false), b.setOperator(nick, false)]);
    assertEquals(unmade.filter(Boolean).length, 1, `unset ${nick} on both: ${unmade}`);
  }
});

Deno.test("KvModerationStore: lifting a ban on one node does not lift the newer ban another node just made", async () => {
  await using nodes = await twoNodes();
  const { a, b } = nodes;
  await a.addBan({ nick: "ben", owner: "o2", by: "ana", at: 1 });
  // b replaces the ban with one of another nick; a lifts "ben" from what it read.
  await b.addBan({ nick: "Ben2", owner: "o2", by: "dee", at: 2 });
  assertEquals(await a.removeBans({ nick: "ben" }), 0);
  await until("a to see b's ban", async () => (await a.bans(3))[0]?.nick === "Ben2");
});

Deno.test("KvModerationStore: audit entries from two nodes share one sequence of ids", async () => {
  await using nodes = await twoNodes();
  const { a, b } = nodes;
  const appended = await Promise.all(
    Array.from(
      { length: 10 },
      (_, i) =>
        (i % 2 === 0 ? a : b).appendAudit({ at: i, by: "ana", action: "kick", nick: `n${i}` }),
    ),
  );
  assertEquals(appended.map((entry) => entry.id).sort((x, y) => x - y), [
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
  ]);
  const page = await b.audit({ limit: 4 });
  assertEquals(page.map((entry) => entry.id), [10, 9, 8, 7]);
  const older = await a.audit({ before: 7, limit: 100 });
  assertEquals(older.map((entry) => entry.id), [6, 5, 4, 3, 2, 1]);
  for (const entry of [...page, ...older]) {
    const mine = appended.find((each) => each.id === entry.id);
    assert(mine !== undefined);
    assertEquals(entry, mine);
  }
});

Deno.test("KvModerationStore: the view follows the bucket again after its server was killed and restarted", async () => {
  await using nats = await startNats();
  const connect = (node: string) =>
    connectCluster({ servers: nats.urls, node, prefix: "chat", replicas: 1 });
  const contexts = [await connect("n1"), await connect("n2")];
  const [a, b] = await Promise.all(contexts.map((context) => KvModerationStore.open(context)));
  try {
    await a.addMute({ owner: "o1", nick: "ann", by: "ana", at: 1 });
    await until("b to see the first mute", async () => (await b.muteOf("o1", 2)) !== undefined);
    await nats.kill(0);
    await nats.restart(0);
    // Written through b once the server is back; a must learn it from its watch.
    await until("the mute to be stored after the restart", async () => {
      try {
        await b.addMute({ owner: "o2", nick: "ben", by: "ana", at: 1 });
        return true;
      } catch {
        return false;
      }
    }, 20_000);
    await until(
      "a to see the mute made after the restart",
      async () => (await a.muteOf("o2", 2)) !== undefined,
      20_000,
    );
  } finally {
    await a.close();
    await b.close();
    for (const context of contexts) await context.nc.close();
  }
});
