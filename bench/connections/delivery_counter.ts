/**
 * Counting who received the one broadcast message, and when the last one did: the only shared
 * state of ten thousand clients, so it is a counter and a promise, no more.
 *
 * @module
 */

/** Counts the clients that received the one broadcast message, and when the last one did. */
export class DeliveryCounter {
  /** Unique text in the broadcast message; nothing else the servers send contains it. */
  readonly marker: string;
  #count = 0;
  #target = Infinity;
  #lastAt = 0;
  #reached: PromiseWithResolvers<number> = Promise.withResolvers();

  /** A counter for the message that contains `marker`. */
  constructor(marker: string) {
    this.marker = marker;
  }

  /** Clients that have received the message so far. */
  get count(): number {
    return this.#count;
  }

  /** Called by a client once, when the message reaches it. */
  delivered(): void {
    this.#count++;
    this.#lastAt = performance.now();
    if (this.#count >= this.#target) this.#reached.resolve(this.#lastAt);
  }

  /** Resolves with `performance.now()` of the `target`-th delivery, or undefined at `timeoutMs`. */
  async waitFor(target: number, timeoutMs: number): Promise<number | undefined> {
    this.#target = target;
    if (this.#count >= target) return this.#lastAt;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.#reached.promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
