/**
 * Telling the server what the user has read (`read`, PROTOCOL.md section 3.4), so that their
 * other devices stop showing it as unread. A client whose place on screen shows every line as it
 * arrives (the terminal) has read what arrived there; it says so at most once every few seconds,
 * never per message, and at once when the user moves elsewhere or leaves.
 *
 * @module
 */
import { type Place, type ReadRequest, samePlace, type UnreadTracker } from "./unread_tracker.ts";

/** The shortest time between two reports of the same place: 5 seconds. */
export const READ_INTERVAL_MS = 5000;

/** Where read reports go: a client, while connected. */
export interface ReadChannel {
  /** Whether a request sent now would reach the server. */
  readonly connected: boolean;
  /** Sends the request; false if it could not. */
  request(message: ReadRequest): boolean;
}

/** Settings of {@linkcode ReadReporter}. */
export interface ReadReporterOptions {
  /** The current time in milliseconds. */
  now: () => number;
  /** {@linkcode READ_INTERVAL_MS} unless told. */
  intervalMs?: number;
}

/**
 * Reports the place on screen as read, throttled. {@linkcode ReadReporter.show} says which place
 * is on screen (and reports the one left); {@linkcode ReadReporter.tick}, called on a timer,
 * reports what arrived since, at most once per interval; {@linkcode ReadReporter.flush} reports
 * at once, before the client quits.
 *
 * @example
 * ```ts
 * import { ReadReporter, UnreadTracker } from "./mod.ts";
 * const tracker = new UnreadTracker();
 * const sent: unknown[] = [];
 * const reporter = new ReadReporter(tracker, {
 *   connected: true,
 *   request: (message) => sent.push(message) > 0,
 * }, { now: () => 0 });
 * reporter.show({ room: "lobby" });
 * tracker.observe({ type: "message", id: 7, ts: "", room: "lobby", from: "ben", text: "hi" });
 * reporter.tick();
 * sent; // [{ type: "read", room: "lobby", id: 7 }]
 * ```
 */
export class ReadReporter {
  readonly #tracker: UnreadTracker;
  readonly #channel: ReadChannel;
  readonly #now: () => number;
  readonly #intervalMs: number;
  #place: Place | undefined;
  #lastReport = -Infinity;

  constructor(tracker: UnreadTracker, channel: ReadChannel, options: ReadReporterOptions) {
    this.#tracker = tracker;
    this.#channel = channel;
    this.#now = options.now;
    this.#intervalMs = options.intervalMs ?? READ_INTERVAL_MS;
  }

  /** The place on screen. */
  get place(): Place | undefined {
    return this.#place;
  }

  /**
   * The place on screen is now `place`: what was read in the one left is reported at once, and
   * `place` counts as seen, reported at once too.
   */
  show(place: Place): void {
    if (samePlace(place, this.#place)) return;
    this.flush();
    this.#place = place;
    this.#tracker.view(place, true);
    this.flush();
  }

  /** Reports the place on screen if it was read further and the last report is old enough. */
  tick(): void {
    if (this.#now() - this.#lastReport >= this.#intervalMs) this.flush();
  }

  /** Reports the place on screen now, if it was read further than the server knows. */
  flush(): void {
    // Not while disconnected: the tracker would take the marker as told.
    if (this.#place === undefined || !this.#channel.connected) return;
    const request = this.#tracker.markRead(this.#place);
    if (request === undefined) return;
    this.#channel.request(request);
    this.#lastReport = this.#now();
  }
}
