/**
 * Telling the server what the reader has read (`read`, PROTOCOL.md section 3.4), so their other
 * devices stop counting it. The page says when the reader sees a place's newest line (visible,
 * focused, scrolled down: the message list knows); this sends the `read` the unread tracker
 * makes of it at most once every {@linkcode READ_EVERY_MS}, never once per message, and at once
 * when the reader moves to another place or the page is hidden or closed. Runtime-neutral with
 * an injectable clock, so a test moves time instead of waiting.
 *
 * @module
 */
import {
  type Place,
  type ReadRequest,
  samePlace,
  type UnreadTracker,
} from "../../src/client/unread_tracker.ts";

/** The shortest time between two `read`s: 2 seconds. */
export const READ_EVERY_MS = 2000;

/** The clock and timer a {@linkcode ReadSender} runs on: the browser's, or a test's. */
export interface SenderClock {
  now(): number;
  /** Runs `run` in `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Settings of {@linkcode ReadSender}. */
export interface ReadSenderOptions {
  /** Sends the request if connected; false if it could not. */
  send(request: ReadRequest): boolean;
  /** Whether a request sent now would reach the server. */
  connected(): boolean;
  /** The browser's timers unless told. */
  clock?: SenderClock;
  /** {@linkcode READ_EVERY_MS} unless told. */
  everyMs?: number;
}

/** The browser's clock and timers. */
const BROWSER_CLOCK: SenderClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
};

/**
 * Sends `read` for what the reader has seen, throttled.
 *
 * @example
 * ```ts
 * import { UnreadTracker } from "../../src/client/unread_tracker.ts";
 * import { ReadSender } from "./read_sender.ts";
 * const tracker = new UnreadTracker();
 * const sent: unknown[] = [];
 * const sender = new ReadSender(tracker, {
 *   send: (request) => sent.push(request) > 0,
 *   connected: () => true,
 * });
 * tracker.observe({ type: "activity", room: "lab", id: 7, from: "ben" });
 * sender.seen({ room: "lab" });
 * sent; // [{ type: "read", room: "lab", id: 7 }]
 * ```
 */
export class ReadSender {
  readonly #tracker: UnreadTracker;
  readonly #options: ReadSenderOptions;
  readonly #clock: SenderClock;
  readonly #everyMs: number;
  /** The place seen and not reported yet. */
  #waiting: Place | undefined;
  #timer: unknown;
  #lastSent = -Infinity;

  constructor(tracker: UnreadTracker, options: ReadSenderOptions) {
    this.#tracker = tracker;
    this.#options = options;
    this.#clock = options.clock ?? BROWSER_CLOCK;
    this.#everyMs = options.everyMs ?? READ_EVERY_MS;
  }

  /**
   * The reader sees the newest line of `place`: it is reported now if the last report is old
   * enough, else when it is. Another place seen before then is reported at once.
   */
  seen(place: Place): void {
    if (this.#waiting !== undefined && !samePlace(place, this.#waiting)) this.flush();
    this.#waiting = place;
    const wait = this.#lastSent + this.#everyMs - this.#clock.now();
    if (wait <= 0) return this.flush();
    this.#timer ??= this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, wait);
  }

  /** Reports what waits now: the reader leaves the place, or the page is hidden or closed. */
  flush(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const place = this.#waiting;
    this.#waiting = undefined;
    // Not while disconnected: the tracker would take the marker as told. The server's counts
    // after the reconnect say what is still unread, and the page sees it again.
    if (place === undefined || !this.#options.connected()) return;
    const request = this.#tracker.markRead(place);
    if (request === undefined) return;
    this.#options.send(request);
    this.#lastSent = this.#clock.now();
  }
}
