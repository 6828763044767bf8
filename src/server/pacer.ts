import { setImmediate } from "node:timers";

/** Something with queued room events to write: an {@linkcode Outbox} waiting for its turn. */
export interface Paced {
  /** Starts writing what is queued, unless a write is already under way. */
  flushNow(): void;
}

/** Settings of a {@linkcode Pacer}; the defaults are what the server uses. */
export interface PacerOptions {
  /** Room events a second above which the server counts as busy. Default 100. */
  busyPerSecond?: number;
  /** While busy, the least time between two rounds of writes, in ms. Default 25. */
  roundMs?: number;
  /** A clock in milliseconds; injectable for tests. */
  now?: () => number;
  /** Connections flushed per turn of the event loop; a round of more takes several. Default 100. */
  slice?: number;
}

/** How long the window is over which the rate of room events is counted. */
const WINDOW_MS = 100;

/**
 * Decides when connections write the room events queued for them. While the server is calm,
 * every event is written at the end of the event loop's turn, at once. While it is busy (more
 * than 100 distinct room events a second), the writes go out in rounds at least 25 ms apart, so
 * each connection gets one write with many events instead of many writes with one each.
 *
 * Why: a write costs a system call of several microseconds whatever it carries, and a room of
 * 1,000 sees 1,000 of them per round; without pacing a busy server writes as often as its loop
 * turns and spends its CPU on system calls. 25 ms is below what a person notices, and with
 * more than 100 messages a second nobody reads each one as it arrives.
 *
 * A round flushes 100 connections per turn of the event loop and goes on with the next 100 in
 * the next turn. Deno's runtime performs about 128 socket operations per turn at once; the writes
 * past that wait for the next turn anyway, and such a deferred write cost 0.6 µs more CPU than one
 * performed at once (a round to 1,000 sockets: 1.9 µs of user time per write against 1.2–1.3 µs
 * in slices of 100, same system time).
 *
 * @example
 * ```ts
 * import { Pacer } from "./pacer.ts";
 * const pacer = new Pacer();
 * const event = {};
 * pacer.note(event); // counted once, however many connections it is posted to
 * pacer.wait({ flushNow: () => console.log("written") }); // this turn: the server is calm
 * ```
 */
export class Pacer {
  readonly #busyPerWindow: number;
  readonly #roundMs: number;
  readonly #now: () => number;
  readonly #slice: number;
  #waiting: Paced[] = [];
  /** Connections of the rounds being flushed, slice by slice, and how many are done. */
  #flushing: Paced[] = [];
  #flushed = 0;
  #scheduled = false;
  #lastRound = -Infinity;
  /** Room events counted in the current window and the one before. */
  #windowStart = -Infinity;
  #thisWindow = 0;
  #lastWindow = 0;
  /** The last event counted, so that one event posted to many connections counts once. */
  #lastEvent: unknown;

  constructor(options: PacerOptions = {}) {
    this.#busyPerWindow = (options.busyPerSecond ?? 100) * WINDOW_MS / 1000;
    this.#roundMs = options.roundMs ?? 25;
    this.#now = options.now ?? (() => performance.now());
    this.#slice = options.slice ?? 100;
  }

  /** Whether writes are being paced now. */
  get busy(): boolean {
    return this.#rate(this.#now()) > this.#busyPerWindow;
  }

  /** Counts `event` towards the rate, once however many connections it is posted to. */
  note(event: unknown): void {
    if (event === this.#lastEvent) return;
    this.#lastEvent = event;
    this.#count(this.#now());
  }

  /** Has `paced` flush in this turn or in the next round, counting no event. */
  wait(paced: Paced): void {
    this.#waiting.push(paced);
    if (!this.#scheduled) this.#schedule(this.#now());
  }

  #schedule(now: number): void {
    this.#scheduled = true;
    const wait = this.#rate(now) > this.#busyPerWindow ? this.#lastRound + this.#roundMs - now : 0;
    if (wait <= 0) queueMicrotask(() => this.#round());
    else setTimeout(() => this.#round(), wait);
  }

  #round(): void {
    this.#scheduled = false;
    this.#lastRound = this.#now();
    const waiting = this.#waiting;
    this.#waiting = [];
    if (this.#flushing.length > 0) {
      // Behind the rest of the round still being flushed: its event is older.
      for (const paced of waiting) this.#flushing.push(paced);
      return;
    }
    this.#flushing = waiting;
    this.#flushSlice();
  }

  /**
   * Flushes the next slice of the connections of the rounds under way, and schedules the next
   * slice for the next turn. Rounds are flushed in order: the connections of a later event wait
   * behind the rest of an earlier one rather than sharing turns with it.
   */
  #flushSlice(): void {
    const flushing = this.#flushing;
    const end = Math.min(flushing.length, this.#flushed + this.#slice);
    for (let i = this.#flushed; i < end; i++) flushing[i].flushNow();
    this.#flushed = end;
    if (end < flushing.length) {
      setImmediate(() => this.#flushSlice());
    } else {
      this.#flushing = [];
      this.#flushed = 0;
    }
  }

  #count(now: number): void {
    if (now - this.#windowStart >= WINDOW_MS) {
      // A window with no events at all in between leaves nothing of the old rate.
      this.#lastWindow = now - this.#windowStart >= 2 * WINDOW_MS ? 0 : this.#thisWindow;
      this.#thisWindow = 0;
      this.#windowStart = now;
    }
    this.#thisWindow++;
  }

  /** Events in the last 100 ms: this window, and the part of the last one it has not replaced. */
  #rate(now: number): number {
    const elapsed = now - this.#windowStart;
    if (elapsed >= 2 * WINDOW_MS) return 0;
    if (elapsed >= WINDOW_MS) return this.#thisWindow * (2 - elapsed / WINDOW_MS);
    return this.#thisWindow + this.#lastWindow * (1 - elapsed / WINDOW_MS);
  }
}
