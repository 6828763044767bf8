import type { FailureCounter, FailureRecord } from "../chat/failure_counter.ts";
import { settle } from "./_settle.ts";

/**
 * A {@linkcode FailureCounter} in memory: several guards of one process share it as the nodes of
 * a cluster share the key-value one, which is what the tests of the guard need; nothing survives
 * the process and nothing is ever forgotten.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryFailureCounter } from "./memory_failure_counter.ts";
 *
 * const counter = new MemoryFailureCounter();
 * await counter.fail("192.0.2.7", 1000);
 * assertEquals(await counter.fail("192.0.2.7", 2000), { failures: 2, last: 2000 });
 * ```
 */
export class MemoryFailureCounter implements FailureCounter {
  readonly #records = new Map<string, FailureRecord>();
  #closed = false;

  fail(address: string, now: number): Promise<FailureRecord> {
    return this.#run(() => {
      const old = this.#records.get(address);
      const record = { failures: (old?.failures ?? 0) + 1, last: Math.max(old?.last ?? 0, now) };
      this.#records.set(address, record);
      return { ...record };
    });
  }

  get(address: string): Promise<FailureRecord | undefined> {
    return this.#run(() => {
      const record = this.#records.get(address);
      return record === undefined ? undefined : { ...record };
    });
  }

  clear(address: string, now: number): Promise<void> {
    return this.#run(() => {
      const last = Math.max(this.#records.get(address)?.last ?? 0, now);
      this.#records.set(address, { failures: 0, last });
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The failure counter is closed"));
    return settle(work);
  }
}
