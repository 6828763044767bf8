import { assertEquals } from "@std/assert";
import { MemoryHistoryStore, type NewEvent, SqliteHistoryStore } from "../../src/store/mod.ts";
import { connectCluster } from "../../src/store/nats/context.ts";
import { JetStreamEventLog } from "../../src/store/nats/jetstream_event_log.ts";
import { startNats, testNatsContext, uniqueNatsPrefix } from "../support/nats.ts";
import { eventLogContract } from "./event_log_contract.ts";

eventLogContract("JetStreamEventLog over MemoryHistoryStore", async () => {
  const { context, cleanup } = await testNatsContext();
  const store = new MemoryHistoryStore();
  const log = await JetStreamEventLog.open(context, store);
  return {
    log,
    cleanup: async () => {
      await log.close();
      await store.close();
      await cleanup();
    },
  };
});

eventLogContract("JetStreamEventLog over SqliteHistoryStore", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_js_log_test_" });
  const { context, cleanup } = await testNatsContext();
  const store = SqliteHistoryStore.open(`${dir}/chat.db`);
  const log = await JetStreamEventLog.open(context, store);
  return {
    log,
    cleanup: async () => {
      await log.close();
      await store.close();
      await cleanup();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

function message(text: string, clientId?: string): NewEvent {
  const event: NewEvent = { type: "message", room: "lobby", from: "ada", text, ts: 1 };
  if (clientId !== undefined) event.clientId = clientId;
  return event;
}

/** Resolves once `check` holds, polling a store another node writes (deadline 10 s). */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("JetStreamEventLog: two nodes share one log: same ids, each keeps its own copy, a resend through the other node is stored once", async () => {
  const a = await testNatsContext("a");
  const b = await testNatsContext("b");
  // The same cluster for both: the prefix of a's context.
  const bContext = { ...b.context, prefix: a.context.prefix };
  const storeA = new MemoryHistoryStore();
  const storeB = new MemoryHistoryStore();
  const logA = await JetStreamEventLog.open(a.context, storeA);
  const logB = await JetStreamEventLog.open(bContext, storeB);
  try {
    const seenByB: string[] = [];
    await logB.follow(
      0,
      ({ event, origin }) => seenByB.push(`${event.id} ${event.text} ${origin}`),
    );
    const first = await logA.append(message("from a", "s1 1"), { origin: "a/m1" });
    const second = await logB.append(message("from b"), { origin: "b/m1" });
    assertEquals([first.event.id, second.event.id], [1, 2]);
    // The sender's session resent through the other node after a failover: stored once.
    const resent = await logB.append(message("from a", "s1 1"), { origin: "b/m2" });
    assertEquals([resent.created, resent.event.id], [false, 1]);
    await eventually(async () => (await storeA.lastId()) === 2, "a's copy to reach id 2");
    assertEquals(seenByB, ["1 from a a/m1", "2 from b b/m1"]);
    assertEquals(
      (await storeA.page("lobby", { limit: 10 })).map((event) => event.text),
      (await storeB.page("lobby", { limit: 10 })).map((event) => event.text),
    );
  } finally {
    await logA.close();
    await logB.close();
    await a.cleanup();
    await b.cleanup();
  }
});

Deno.test("JetStreamEventLog: appends through the death of any one of three NATS servers are each stored once, and a node that was behind catches up", async () => {
  await using nats = await startNats({ servers: 3 });
  const prefix = uniqueNatsPrefix();
  const context = await connectCluster({ servers: nats.urls, node: "a", prefix, replicas: 3 });
  const store = new MemoryHistoryStore();
  const log = await JetStreamEventLog.open(context, store, { watchdogMs: 500 });
  try {
    const acknowledged: number[] = [];
    const sending = (async () => {
      for (let i = 0; i < 60; i++) {
        acknowledged.push((await log.append(message(`m${i}`, `s ${i}`))).event.id);
      }
    })();
    for (let victim = 0; victim < 3; victim++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await nats.kill(victim);
      await nats.restart(victim);
    }
    await sending;
    assertEquals(acknowledged.length, 60);
    assertEquals(new Set(acknowledged).size, 60, "no id given twice");
    const stored = await store.events({ after: 0, limit: 1000 });
    assertEquals(stored.map((event) => event.text), Array.from({ length: 60 }, (_, i) => `m${i}`));
    // A second node starting now reads the whole log into its copy.
    const late = await connectCluster({ servers: nats.urls, node: "b", prefix, replicas: 3 });
    const lateStore = new MemoryHistoryStore();
    const lateLog = await JetStreamEventLog.open(late, lateStore);
    await eventually(async () => (await lateStore.lastId()) === acknowledged.at(-1), "b's copy");
    assertEquals((await lateStore.events({ after: 0, limit: 1000 })).length, 60);
    await lateLog.close();
    await late.nc.close();
  } finally {
    await log.close();
    await context.nc.close();
  }
});

Deno.test("JetStreamEventLog: an edit or a delete erases the message and its earlier edits from the stream; a node that follows from the start builds the edited message from its newest edit", async () => {
  const a = await testNatsContext("a");
  const b = await testNatsContext("b");
  const bContext = { ...b.context, prefix: a.context.prefix };
  const storeA = new MemoryHistoryStore();
  const storeB = new MemoryHistoryStore();
  const logA = await JetStreamEventLog.open(a.context, storeA);
  const stream = `${a.context.prefix}_events`;
  const inStream = async (seq: number) =>
    await a.context.jsm.streams.getMessage(stream, { seq }).then(
      (found) => found !== null,
      () => false,
    );
  try {
    const change = (type: "edit" | "delete", ref: number, text: string): NewEvent => ({
      type,
      room: "lobby",
      from: "ada",
      text,
      ref,
      ts: 2,
      ...(type === "edit" ? { original: { type: "message" as const, ts: 1 } } : {}),
    });
    const { event: kept } = await logA.append(message("a word to keep"));
    const { event: gone } = await logA.append(message("a secret to delete"));
    await logA.append({ ...change("edit", kept.id, ""), type: "reaction", emoji: "👍" });
    const { event: first } = await logA.append(change("edit", kept.id, "first edit"));
    const { event: second } = await logA.append(change("edit", kept.id, "second edit"));
    const { event: firstOfGone } = await logA.append(change("edit", gone.id, "still secret"));
    const { event: deleted } = await logA.append(change("delete", gone.id, ""));
    assertEquals(
      await Promise.all(
        [kept, first, second, gone, firstOfGone, deleted].map((e) => inStream(e.id)),
      ),
      [false, false, true, false, false, true],
    );
    // A node that joins later follows the stream from its start, gaps and all.
    const logB = await JetStreamEventLog.open(bContext, storeB);
    try {
      await eventually(async () => (await storeB.lastId()) === deleted.id, "b to catch up");
      const rebuilt = await storeB.event(kept.id);
      assertEquals(
        [rebuilt?.type, rebuilt?.text, rebuilt?.edited, rebuilt?.ts, rebuilt?.reactions],
        ["message", "second edit", true, 1, [{ emoji: "👍", nicks: ["ada"] }]],
      );
      assertEquals(await storeB.event(gone.id), undefined);
      const found = await storeB.search({
        text: "second",
        rooms: ["lobby"],
        nick: "ada",
        limit: 5,
      });
      assertEquals(found.map((event) => event.id), [kept.id]);
    } finally {
      await logB.close();
    }
  } finally {
    await logA.close();
    await a.cleanup();
    await b.cleanup();
  }
});

Deno.test("JetStreamEventLog: a reply's quote is not logged, and a node quotes from its own copy", async () => {
  const { context, cleanup } = await testNatsContext();
  const store = new MemoryHistoryStore();
  const log = await JetStreamEventLog.open(context, store);
  try {
    const delivered: (string | undefined)[] = [];
    await log.follow(0, ({ event }) => delivered.push(event.quote?.text));
    const { event: original } = await log.append(message("the original words"));
    const { event: reply } = await log.append({
      ...message("a reply"),
      replyTo: original.id,
      quote: { from: "ada", text: "the original words" },
    });
    const logged = await context.jsm.streams.getMessage(`${context.prefix}_events`, {
      seq: reply.id,
    });
    assertEquals(logged?.string().includes("original words"), false, logged?.string());
    assertEquals(delivered, [undefined, "the original words"]);
  } finally {
    await log.close();
    await cleanup();
  }
});
