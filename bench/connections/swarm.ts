/**
 * What the connection benchmark's clients share, whatever protocol they speak: counting who
 * received the test message, answering keep-alives, and opening many connections with bounded
 * concurrency.
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

  constructor(marker: string) {
    this.marker = marker;
  }

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

/** A client of the swarm: logged in (and in the shared room) once `open` resolved. */
export interface SwarmClient {
  /** Sends the broadcast message to the shared room. */
  say(text: string): Promise<void>;
  /** Why the server closed this connection, if it did. */
  readonly closedBy: string | undefined;
  close(): void;
}

/**
 * Runs `task(0)` … `task(count - 1)` with at most `concurrency` at a time; rejects with the
 * first failure (the others still settle). `progress` is called every `every` completions.
 */
export async function runBatched<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
  options: { progress?: (done: number) => void; every?: number } = {},
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < count && failure === undefined) {
      const index = next++;
      try {
        results[index] = await task(index);
      } catch (error) {
        failure ??= error;
        return;
      }
      done++;
      if (options.progress !== undefined && done % (options.every ?? 1000) === 0) {
        options.progress(done);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}
