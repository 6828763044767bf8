import { assert, assertEquals } from "@std/assert";
import { setImmediate } from "node:timers";
import { Pacer } from "../../src/server/pacer.ts";

/** A pacer on a clock the test moves, and a way to see which round flushed what. */
function pacerAt(start = 1000) {
  const clock = { now: start };
  const pacer = new Pacer({ busyPerSecond: 100, roundMs: 25, now: () => clock.now });
  const flushed: string[] = [];
  const paced = (name: string) => ({ flushNow: () => flushed.push(name) });
  return { clock, pacer, flushed, paced };
}

/** Lets queued microtasks run. */
function microtasks(): Promise<void> {
  return new Promise((resolve) => queueMicrotask(resolve));
}

Deno.test("Pacer: while calm, every connection waiting is flushed in this turn, once", async () => {
  const { pacer, flushed, paced } = pacerAt();
  const event = {};
  for (const name of ["a", "b", "c"]) {
    pacer.note(event);
    pacer.wait(paced(name));
  }
  assertEquals(flushed, [], "not synchronously: the turn's other events may still join");
  await microtasks();
  assertEquals(flushed, ["a", "b", "c"]);
  assertEquals(pacer.busy, false);
});

Deno.test("Pacer: a round flushes one slice of connections per turn, rounds in order", async () => {
  const flushed: number[] = [];
  const pacer = new Pacer({ slice: 100 });
  for (let i = 0; i < 250; i++) pacer.wait({ flushNow: () => flushed.push(i) });
  await microtasks();
  assertEquals(flushed.length, 100, "the first slice in this turn");
  await new Promise((resolve) => setImmediate(resolve));
  assertEquals(flushed.length, 200, "the next one in the next turn");
  // A connection that asks meanwhile (a later event) waits behind the rest of the round.
  pacer.wait({ flushNow: () => flushed.push(-1) });
  await microtasks();
  assertEquals(flushed.length, 200);
  await new Promise((resolve) => setImmediate(resolve));
  assertEquals(flushed, [...Array.from({ length: 250 }, (_, i) => i), -1]);
  // Then the next round starts at once again.
  pacer.wait({ flushNow: () => flushed.push(-2) });
  await microtasks();
  assertEquals(flushed.at(-1), -2);
});

Deno.test("Pacer: one event posted to many connections counts once towards busy", async () => {
  const { pacer, paced } = pacerAt();
  const event = {};
  for (let i = 0; i < 1000; i++) {
    pacer.note(event);
    pacer.wait(paced(`c${i}`));
  }
  await microtasks();
  assertEquals(pacer.busy, false);
});

Deno.test("Pacer: over 100 events a second, rounds are 25 ms apart; calm again, at once", async () => {
  const { clock, pacer, flushed, paced } = pacerAt();
  // 20 events within 10 ms: 2,000 a second.
  for (let i = 0; i < 20; i++) {
    pacer.note({ i });
    pacer.wait(paced(`e${i}`));
    await microtasks();
    clock.now += 0.5;
  }
  assert(pacer.busy);
  const before = flushed.length;
  const round = Promise.withResolvers<void>();
  const startedAt = performance.now();
  pacer.note({ late: true });
  pacer.wait({ flushNow: () => round.resolve() });
  await microtasks();
  assertEquals(flushed.length, before, "busy: the request waits for the next round");
  await round.promise;
  // The last round was at most 0.5 ms of the test clock ago, so it waited most of 25 ms.
  assert(performance.now() - startedAt >= 20, "the round came early");
  // After 200 ms without events the rate is zero, and a request is flushed in its own turn.
  clock.now += 200;
  assertEquals(pacer.busy, false);
  pacer.note({ calm: true });
  pacer.wait(paced("calm"));
  await microtasks();
  assertEquals(flushed.at(-1), "calm");
});
