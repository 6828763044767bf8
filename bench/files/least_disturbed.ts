/**
 * A chat leg measured on a shared machine: when other processes used more than
 * {@linkcode QUIET_BUSY} of the CPUs during it, it is run again (up to `retries` more times)
 * and the least disturbed try counts. Each try gets the same start as socat: memory freed just
 * before its transfer begins (see {@linkcode holdWarmMemory}).
 *
 * @module
 */
import { log, QUIET_BUSY, waitForQuiet } from "../shared/mod.ts";
import { disturbance, type TimedTransfer } from "./timed_transfer.ts";
import { holdWarmMemory } from "./warm_memory.ts";

/** Options of {@linkcode leastDisturbed}. */
export interface LeastDisturbedOptions {
  /** What the progress log calls the leg. */
  label: string;
  /**
   * Resolves once the transfer began (its partial file appeared), or once `signal` aborts; the
   * warm memory is released then.
   */
  started(signal: AbortSignal): Promise<unknown>;
  /** Processes whose work is part of the leg and not a disturbance (the server, a browser). */
  ours: readonly number[];
  /** Where the warm-memory scratch file goes. */
  tmp: string;
  /** Size of the transfer, and so of the warm memory. */
  bytes: number;
  /** Tries after the first, at most. */
  retries: number;
  /** How long to wait for a quiet machine before each try. */
  waitQuietMs: number;
}

/**
 * Runs `attempt` until a try is undisturbed or the retries are spent; resolves with the least
 * disturbed try and the number of tries made. Warm memory is held from before the try starts
 * until `started` says that its transfer began.
 */
export async function leastDisturbed<T extends TimedTransfer>(
  attempt: () => Promise<T>,
  options: LeastDisturbedOptions,
): Promise<T & { attempts: number }> {
  let best: T | undefined;
  let attempts = 0;
  while (attempts <= options.retries) {
    await waitForQuiet(options.waitQuietMs, [...options.ours]);
    const warm = await holdWarmMemory(options.tmp, options.bytes);
    const watch = new AbortController();
    options.started(watch.signal).then(() => warm.release());
    log(`${options.label}${attempts > 0 ? ", again" : ""}`);
    let result: T;
    try {
      result = await attempt();
    } finally {
      watch.abort();
      await warm.release();
    }
    attempts++;
    if (best === undefined || disturbance(result) < disturbance(best)) best = result;
    if (disturbance(result) <= QUIET_BUSY) break;
    log(`other processes used ${(disturbance(result) * 100).toFixed(0)} % of the CPUs`);
  }
  return { ...best!, attempts };
}
