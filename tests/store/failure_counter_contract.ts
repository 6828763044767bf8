import { assertEquals, assertRejects } from "@std/assert";
import type { FailureCounter } from "../../src/chat/failure_counter.ts";
import { contractTest } from "./_contract.ts";

/** A fresh, empty counter and the function that disposes of it. */
export interface FailureCounterFixture {
  counter: FailureCounter;
  cleanup(): Promise<void>;
}

/**
 * Registers the tests that every {@linkcode FailureCounter} must pass, each named
 * `${name}: <sentence>`. `make` is called once per test for an empty counter.
 *
 * @example Run the suite against the memory counter
 * ```ts ignore
 * failureCounterContract("MemoryFailureCounter", () => {
 *   const counter = new MemoryFailureCounter();
 *   return Promise.resolve({ counter, cleanup: () => counter.close() });
 * });
 * ```
 */
export function failureCounterContract(
  name: string,
  make: () => Promise<FailureCounterFixture>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.counter);

  test("get() knows nothing of an address that never failed", async (counter) => {
    assertEquals(await counter.get("192.0.2.7"), undefined);
  });

  test("fail() counts per address and keeps the newest time", async (counter) => {
    assertEquals(await counter.fail("192.0.2.7", 1000), { failures: 1, last: 1000 });
    assertEquals(await counter.fail("192.0.2.7", 3000), { failures: 2, last: 3000 });
    // A node whose clock is behind does not move the time back.
    assertEquals(await counter.fail("192.0.2.7", 2000), { failures: 3, last: 3000 });
    assertEquals(await counter.fail("2001:db8::1", 5), { failures: 1, last: 5 });
    assertEquals(await counter.get("192.0.2.7"), { failures: 3, last: 3000 });
  });

  test("clear() forgives the failures as of its time; counting starts again", async (counter) => {
    await counter.fail("192.0.2.7", 1000);
    await counter.fail("192.0.2.7", 1000);
    await counter.clear("192.0.2.7", 4000);
    assertEquals(await counter.get("192.0.2.7"), { failures: 0, last: 4000 });
    assertEquals(await counter.fail("192.0.2.7", 5000), { failures: 1, last: 5000 });
    await counter.clear("192.0.2.8", 1);
    assertEquals(await counter.get("192.0.2.8"), { failures: 0, last: 1 });
  });

  test("failures counted at once are all counted", async (counter) => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => counter.fail("192.0.2.7", i)));
    assertEquals(await counter.get("192.0.2.7"), { failures: 25, last: 24 });
  });

  test("calls after close() reject", async (counter) => {
    await counter.close();
    await assertRejects(() => counter.fail("192.0.2.7", 1), Error, "closed");
    await assertRejects(() => counter.get("192.0.2.7"), Error, "closed");
  });
}
