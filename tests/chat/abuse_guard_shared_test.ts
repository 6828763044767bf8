import { assertEquals } from "@std/assert";
import { PasskeyGuard, type PasskeyTurn } from "../../src/chat/abuse_guard.ts";
import type { FailureCounter } from "../../src/chat/failure_counter.ts";
import { MemoryFailureCounter } from "../../src/store/memory_failure_counter.ts";
import { ManualClock } from "../_manual_clock.ts";

const A = "192.0.2.7";

/** Three guards sharing one counter, as three nodes of a cluster, on one manual clock. */
function cluster(counter: FailureCounter = new MemoryFailureCounter()) {
  const clock = new ManualClock();
  const nodes = [0, 1, 2].map(() => new PasskeyGuard({ now: clock.now, shared: counter }));
  return { clock, nodes };
}

/** Takes a turn that must be granted. */
async function granted(guard: PasskeyGuard, address: string): Promise<PasskeyTurn> {
  const turn = await guard.turn(address);
  if (typeof turn === "number") throw new Error(`The turn was refused for ${turn} ms`);
  return turn;
}

/** Lets the counter's promises settle. */
async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await null;
}

Deno.test("PasskeyGuard with a shared counter: five wrong passkeys spread over three nodes lock the address out on all", async () => {
  const { nodes } = cluster();
  const lockouts = [];
  for (let i = 0; i < 5; i++) {
    lockouts.push((await granted(nodes[i % 3], A)).settle(false));
    await flushMicrotasks();
  }
  assertEquals(lockouts, [0, 0, 0, 0, 2000], "the fifth node to see one learned the other four");
  for (const node of nodes) assertEquals(await node.turn(A), 2000);
});

Deno.test("PasskeyGuard with a shared counter: once lockouts began, a wrong passkey on any node doubles them on all", async () => {
  const { clock, nodes } = cluster();
  for (let i = 0; i < 5; i++) {
    (await granted(nodes[0], A)).settle(false);
    await flushMicrotasks();
  }
  clock.advance(2000);
  assertEquals((await granted(nodes[1], A)).settle(false), 4000);
  await flushMicrotasks();
  assertEquals(await nodes[2].turn(A), 4000);
  assertEquals(await nodes[0].turn(A), 4000);
});

Deno.test("PasskeyGuard with a shared counter: the right passkey on one node forgives the address on all", async () => {
  const { clock, nodes } = cluster();
  for (let i = 0; i < 5; i++) {
    (await granted(nodes[0], A)).settle(false);
    await flushMicrotasks();
  }
  clock.advance(2000);
  (await granted(nodes[1], A)).settle(true);
  await flushMicrotasks();
  assertEquals((await granted(nodes[0], A)).settle(false), 0, "counting starts again");
});

Deno.test("PasskeyGuard with a shared counter that cannot be reached still counts on its own", async () => {
  const counter = new MemoryFailureCounter();
  await counter.close();
  const { nodes } = cluster(counter);
  const lockouts = [];
  for (let i = 0; i < 5; i++) {
    lockouts.push((await granted(nodes[0], A)).settle(false));
    await flushMicrotasks();
  }
  assertEquals(lockouts, [0, 0, 0, 0, 2000]);
});
