/** Options of {@linkcode BurstLog}. */
export interface BurstLogOptions {
  /** A burst ends after this long without an event of its kind. Default 10 s. */
  quietMs?: number;
  /** The clock, in milliseconds; `Date.now` unless told. */
  now?: () => number;
}

/**
 * A log that says an event once per burst, not once per occurrence: a flood of failed accepts
 * or refused connections is one line, not twenty thousand (each a blocking write to stderr,
 * which would slow the server down when it is already under attack). A burst is events of one
 * kind less than `quietMs` apart; the line that starts the next burst says how many the last
 * one had.
 *
 * @example
 * ```ts
 * import { BurstLog } from "./burst_log.ts";
 * const log = new BurstLog(console.error);
 * log.note("accept", () => "could not accept a connection"); // logged
 * log.note("accept", () => "could not accept a connection"); // counted, not logged
 * ```
 */
export class BurstLog {
  readonly #log: (line: string) => void;
  readonly #quietMs: number;
  readonly #now: () => number;
  readonly #bursts = new Map<string, { lastAt: number; unlogged: number }>();

  constructor(log: (line: string) => void, options: BurstLogOptions = {}) {
    this.#log = log;
    this.#quietMs = options.quietMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Counts an event of `kind`; logs `line()` if it starts a burst. */
  note(kind: string, line: () => string): void {
    const now = this.#now();
    const burst = this.#bursts.get(kind);
    if (burst !== undefined && now - burst.lastAt < this.#quietMs) {
      burst.lastAt = now;
      burst.unlogged++;
      return;
    }
    const earlier = burst !== undefined && burst.unlogged > 0
      ? ` (the burst before had ${burst.unlogged} more, not logged)`
      : "";
    this.#bursts.set(kind, { lastAt: now, unlogged: 0 });
    this.#log(`${line()}${earlier}`);
  }
}
