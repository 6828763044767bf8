import { assertEquals } from "@std/assert";
import { OutboundMessage } from "../../src/protocol/mod.ts";
import { Outbox } from "../../src/server/outbox.ts";
import { Pacer } from "../../src/server/pacer.ts";
import type { Connection } from "../../src/transport/mod.ts";

/** A connection that records each `send` as the list of message types it carried. */
function recordingConnection(): Connection & { writes: string[][] } {
  const writes: string[][] = [];
  return {
    remote: "192.0.2.1:1",
    maxFrameBytes: 1 << 20,
    writes,
    frames: () => (async function* () {})(),
    send(items) {
      writes.push(items.map((item) => (item as OutboundMessage).message.type));
      return Promise.resolve();
    },
    close() {},
  };
}

const message = (type: "ping" | "pong") => new OutboundMessage({ type });

/** Lets queued microtasks run. */
function microtasks(): Promise<void> {
  return new Promise<void>((resolve) => queueMicrotask(resolve));
}

/** Makes `pacer` busy: 30 distinct events in 10 ms of its clock, their rounds run. */
async function makeBusy(pacer: Pacer, clock: { now: number }): Promise<void> {
  for (let i = 0; i < 30; i++) {
    pacer.note({ i });
    pacer.wait({ flushNow() {} });
    await microtasks();
    clock.now += 0.3;
  }
}

/** A pacer on a clock the test moves, made busy. */
async function busyPacer(): Promise<{ pacer: Pacer; clock: { now: number } }> {
  const clock = { now: 0 };
  const pacer = new Pacer({ now: () => clock.now });
  await makeBusy(pacer, clock);
  return { pacer, clock };
}

Deno.test("Outbox: messages queued in one turn go out in one write, posted or sent", async () => {
  const connection = recordingConnection();
  const outbox = new Outbox(connection, { maxBytes: 1 << 20, pacer: new Pacer() });
  outbox.post(message("ping"));
  outbox.send(message("pong"));
  outbox.post(message("ping"));
  await outbox.drained();
  assertEquals(connection.writes, [["ping", "pong", "ping"]]);
  assertEquals(outbox.queuedBytes, 0);
});

Deno.test("Outbox: while the server is busy, posts wait for the round and a send does not", async () => {
  const connection = recordingConnection();
  const { pacer } = await busyPacer();
  const outbox = new Outbox(connection, { maxBytes: 1 << 20, pacer });
  outbox.post(message("ping"));
  await microtasks();
  assertEquals(connection.writes, [], "the post waits for the next round");
  outbox.send(message("pong"));
  await outbox.drained();
  // The send flushed the whole queue at once, the waiting post first.
  assertEquals(connection.writes, [["ping", "pong"]]);
});

Deno.test("Outbox: close() writes what was posted before closing", async () => {
  const connection = recordingConnection();
  const { pacer } = await busyPacer();
  const outbox = new Outbox(connection, { maxBytes: 1 << 20, pacer });
  outbox.post(message("ping"));
  outbox.close();
  await outbox.done;
  assertEquals(connection.writes, [["ping"]]);
});

Deno.test("Outbox: while busy, events posted during a write wait for the next round", async () => {
  const writes: string[][] = [];
  const pending: (() => void)[] = [];
  const connection: Connection = {
    remote: "192.0.2.1:1",
    maxFrameBytes: 1 << 20,
    frames: () => (async function* () {})(),
    send(items) {
      writes.push(items.map((item) => (item as OutboundMessage).message.type));
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    close() {},
  };
  const clock = { now: 0 };
  const pacer = new Pacer({ now: () => clock.now });
  const outbox = new Outbox(connection, { maxBytes: 1 << 20, pacer });
  // Calm: the first post is written in its own turn.
  outbox.post(message("ping"));
  await microtasks();
  assertEquals(writes, [["ping"]]);
  // Busy now, with the write of "ping" still in flight.
  await makeBusy(pacer, clock);
  outbox.post(message("pong"));
  pending.shift()!();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(writes.length, 1, "the event posted during the write waits for the round");
  // The round comes about 25 ms after the last one (real time: the pacer's timer).
  for (let tries = 0; writes.length < 2 && tries < 1000; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  assertEquals(writes, [["ping"], ["pong"]]);
  pending.shift()!();
  await outbox.drained();
});
