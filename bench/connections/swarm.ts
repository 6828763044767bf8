/**
 * What the connection benchmark's clients are, whatever protocol they speak, and how ten
 * thousand of them are opened with bounded concurrency.
 *
 * @module
 */

/** A client of the swarm: logged in (and in the shared room) once `open` resolved. */
export interface SwarmClient {
  /** Sends the broadcast message to the shared room. */
  say(text: string): Promise<void>;
  /** Why the server closed this connection, if it did. */
  readonly closedBy: string | undefined;
  /** Closes the connection; safe to call twice. */
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
