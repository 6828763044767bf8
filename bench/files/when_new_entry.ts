/**
 * When a transfer whose partial file has a name nobody can tell beforehand starts: the server
 * names a browser upload's `.part` after a hash of the uploader and the page's resume key, and
 * Chromium names a download after a fresh GUID. So instead of one path, a folder is watched for
 * the first name that was not in it when the watch began.
 *
 * @module
 */
import { sleep } from "../shared/mod.ts";

/**
 * Resolves with `performance.now()` when `dir` first holds an entry it did not hold when this
 * was called (polled every `intervalMs`), or with undefined once `signal` aborts. A missing
 * `dir` counts as empty.
 */
export async function whenNewEntry(
  dir: string,
  options: { intervalMs?: number; signal: AbortSignal },
): Promise<number | undefined> {
  const before = new Set(names(dir));
  while (!options.signal.aborted) {
    if (names(dir).some((name) => !before.has(name))) return performance.now();
    await sleep(options.intervalMs ?? 5);
  }
  return undefined;
}

function names(dir: string): string[] {
  try {
    return [...Deno.readDirSync(dir)].map((entry) => entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}
