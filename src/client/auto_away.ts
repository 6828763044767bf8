/**
 * Going away by itself: a client that has seen no keystroke for a while tells the others its
 * user is away (PROTOCOL.md section 3.4), and back at the next keystroke. Only an absence the
 * client decided ends that way: someone who typed `/away lunch` stays away until `/back`.
 * Runtime-neutral and driven from outside (keystrokes, a timer, the clock), so that a test moves
 * a clock instead of waiting ten minutes.
 *
 * @module
 */

/** How long without a keystroke before a client goes away by itself: 10 minutes. */
export const AUTO_AWAY_MS = 10 * 60 * 1000;

/** The request to send: `away` (with the user's reason, if they gave one) or `back`. */
export type PresenceRequest = { type: "away"; text?: string } | { type: "back" };

/** Settings of {@linkcode AutoAway}. */
export interface AutoAwayOptions {
  /** The current time in milliseconds. */
  now: () => number;
  /** Idle time before going away; {@linkcode AUTO_AWAY_MS} unless told. */
  idleMs?: number;
}

/**
 * Whether the user is away, and whose decision that was: theirs (`/away`) or the client's
 * (idle too long). Each method returns the request to send, if any.
 *
 * @example
 * ```ts
 * import { AutoAway } from "./auto_away.ts";
 * let now = 0;
 * const away = new AutoAway({ now: () => now, idleMs: 1000 });
 * away.check(); // undefined: not idle long enough
 * now = 1000;
 * away.check(); // { type: "away" }
 * away.keystroke(); // { type: "back" }
 * ```
 */
export class AutoAway {
  readonly #now: () => number;
  readonly #idleMs: number;
  #lastKey: number;
  #state: "here" | "auto" | "chosen" = "here";
  #text: string | undefined;

  constructor(options: AutoAwayOptions) {
    this.#now = options.now;
    this.#idleMs = options.idleMs ?? AUTO_AWAY_MS;
    this.#lastKey = this.#now();
  }

  /** Whether the user counts as away now. */
  get away(): boolean {
    return this.#state !== "here";
  }

  /** A key was pressed: `back`, if the client had gone away by itself. */
  keystroke(): PresenceRequest | undefined {
    this.#lastKey = this.#now();
    if (this.#state !== "auto") return undefined;
    this.#state = "here";
    return { type: "back" };
  }

  /** Called on a timer: `away`, once, when no key was pressed for the idle time. */
  check(): PresenceRequest | undefined {
    if (this.#state !== "here" || this.#now() - this.#lastKey < this.#idleMs) return undefined;
    this.#state = "auto";
    this.#text = undefined;
    return { type: "away" };
  }

  /** The user typed `/away [TEXT]` or `/back`: theirs to undo, not a keystroke's. */
  chose(request: PresenceRequest): void {
    this.#lastKey = this.#now();
    this.#state = request.type === "away" ? "chosen" : "here";
    this.#text = request.type === "away" ? request.text : undefined;
  }

  /**
   * After a reconnect: the `away` to send again, since the server forgets presence with the
   * connection; `undefined` for a user who is here.
   */
  restore(): PresenceRequest | undefined {
    if (this.#state === "here") return undefined;
    return this.#text === undefined ? { type: "away" } : { type: "away", text: this.#text };
  }
}
