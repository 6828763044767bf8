/**
 * When a transfer starts, seen from outside: the partial file it writes into appears. The CLI
 * prints nothing at that moment, and polling the file system every few milliseconds costs the
 * measured processes nothing.
 *
 * @module
 */
import { sleep } from "../shared/mod.ts";

/** Resolves with `performance.now()` when `path` first exists (polled every `intervalMs`). */
export async function whenExists(
  path: string,
  options: { intervalMs?: number; signal: AbortSignal },
): Promise<number | undefined> {
  while (!options.signal.aborted) {
    try {
      Deno.lstatSync(path);
      return performance.now();
    } catch {
      await sleep(options.intervalMs ?? 5);
    }
  }
  return undefined;
}
