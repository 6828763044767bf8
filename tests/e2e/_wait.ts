import { DEFAULT_TIMEOUT_MS } from "../support/mod.ts";

/** Options of {@linkcode Watch.until}. */
export interface UntilOptions {
  /** How long to wait; {@linkcode DEFAULT_TIMEOUT_MS} unless told. */
  timeoutMs?: number;
  /** What is awaited, for the failure message: "a message from bob". */
  what: string;
  /** What was received so far, for the failure message. */
  context: () => string;
  /** Whether no more input can arrive, so waiting longer is pointless. */
  ended?: () => boolean;
}

/**
 * A change signal that tests wait on: the owner calls `notify()` whenever it received
 * something, and `until(check)` resolves with the first defined value `check` returns.
 */
export class Watch {
  #listeners = new Set<() => void>();

  /** Wakes every pending `until`. */
  notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  /** Resolves with `check()` once it is not `undefined`; rejects on timeout or end of input. */
  until<T>(check: () => T | undefined, options: UntilOptions): Promise<T> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        this.#listeners.delete(attempt);
      };
      const fail = (why: string) => {
        finish();
        reject(new Error(`${why} waiting for ${options.what}. Received:\n${options.context()}`));
      };
      const attempt = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          finish();
          reject(error);
          return;
        }
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (options.ended?.()) {
          fail("Input ended");
        }
      };
      const timer = setTimeout(() => fail(`Timed out after ${timeoutMs} ms`), timeoutMs);
      this.#listeners.add(attempt);
      attempt();
    });
  }
}

/** The last `maxLines` lines of `lines`, for failure messages. */
export function tail(lines: readonly string[], maxLines = 60): string {
  const shown = lines.slice(-maxLines).map((line) =>
    line.length > 400 ? `${line.slice(0, 400)}… (${line.length} chars)` : line
  );
  const skipped = lines.length - shown.length;
  const body = shown.length === 0 ? "  (nothing)" : shown.map((line) => `  ${line}`).join("\n");
  return skipped > 0 ? `  … ${skipped} earlier lines\n${body}` : body;
}
