/**
 * A bound on every wait, with a label that says what was awaited: a hung child or a silent
 * server then fails with a sentence instead of hanging the suite or the benchmark.
 *
 * @module
 */

/** Default time a test waits for one condition before failing. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Resolves with `promise`, or rejects after `timeoutMs` with `what` and `context()` in the
 * message. The timer is always cleared, so no op leaks into the next test.
 *
 * @example
 * ```ts
 * import { withTimeout } from "./with_timeout.ts";
 * await withTimeout(Promise.resolve(), { timeoutMs: 1_000, what: "nothing" });
 * ```
 */
export function withTimeout<T>(
  promise: Promise<T>,
  options: { timeoutMs?: number; what: string; context?: () => string },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const context = options.context ? `\n${options.context()}` : "";
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what}.${context}`));
    }, timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
