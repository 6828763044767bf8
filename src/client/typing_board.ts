/**
 * Who is typing where, as `typing` signals say (PROTOCOL.md section 3.4): a nick shows as typing
 * in a place for {@linkcode TYPING_SHOWN_MS} after their last signal, or until their message
 * arrives there. And the other way: how often a client may say its user is typing. Pure, with
 * the time passed in, so it is tested without a browser, a terminal or a wait. `TypingWatch`
 * puts the two together for a front end: the web page draws its line under the messages from
 * it, the terminal its prompt.
 *
 * @module
 */
import type { ServerMessage } from "../protocol/messages.ts";
import { nickKey } from "../protocol/names.ts";
import { type Place, placeKey } from "./unread_tracker.ts";

/** How long a nick shows as typing after their last signal: 6 seconds. */
export const TYPING_SHOWN_MS = 6000;
/** The shortest time between two `typing` signals a client sends: 3 seconds, as the server. */
export const TYPING_EVERY_MS = 3000;

/**
 * The nicks typing in each place (by place key, `#room` or `@nick`).
 *
 * @example
 * ```ts
 * import { TypingBoard } from "./typing_board.ts";
 * let now = 0;
 * const board = new TypingBoard(() => now);
 * board.typing("#lobby", "ana");
 * board.who("#lobby"); // ["ana"]
 * now = 6000;
 * board.who("#lobby"); // []
 * ```
 */
export class TypingBoard {
  readonly #now: () => number;
  /** Place key → nick key → the nick as written and when it stops showing. */
  readonly #places = new Map<string, Map<string, { nick: string; until: number }>>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** `nick` says they are typing in the place. */
  typing(place: string, nick: string): void {
    let nicks = this.#places.get(place);
    if (nicks === undefined) this.#places.set(place, nicks = new Map());
    nicks.delete(nickKey(nick));
    nicks.set(nickKey(nick), { nick, until: this.#now() + TYPING_SHOWN_MS });
  }

  /** `nick`'s message arrived in the place: they are done typing it. */
  spoke(place: string, nick: string): void {
    this.#places.get(place)?.delete(nickKey(nick));
  }

  /** Forgets everyone (another login). */
  clear(): void {
    this.#places.clear();
  }

  /** Who is typing in the place now, in the order they started. */
  who(place: string): string[] {
    const nicks = this.#places.get(place);
    if (nicks === undefined) return [];
    const now = this.#now();
    for (const [key, { until }] of nicks) if (until <= now) nicks.delete(key);
    return [...nicks.values()].map((entry) => entry.nick);
  }

  /** When the next nick in the place stops showing, if anyone shows. */
  nextChange(place: string): number | undefined {
    const untils = [...this.#places.get(place)?.values() ?? []].map((entry) => entry.until);
    return untils.length === 0 ? undefined : Math.min(...untils);
  }
}

/**
 * The line under the messages: who is typing, in words.
 *
 * @example
 * ```ts
 * import { typingText } from "./typing_board.ts";
 * typingText(["ana"]); // "ana is typing…"
 * typingText(["ana", "ben", "cy", "dan"]); // "ana, ben and 2 others are typing…"
 * ```
 */
export function typingText(nicks: readonly string[]): string {
  switch (nicks.length) {
    case 0:
      return "";
    case 1:
      return `${nicks[0]} is typing…`;
    case 2:
      return `${nicks[0]} and ${nicks[1]} are typing…`;
    case 3:
      return `${nicks[0]}, ${nicks[1]} and ${nicks[2]} are typing…`;
    default:
      return `${nicks[0]}, ${nicks[1]} and ${nicks.length - 2} others are typing…`;
  }
}

/**
 * Whether the client may send a `typing` for `place` (a place key) now: the first keystroke in a
 * place says so at once, then at most once every {@linkcode TYPING_EVERY_MS}. Returns the new
 * state to keep, or undefined to send nothing.
 *
 * @example
 * ```ts
 * import { typingDue } from "./typing_board.ts";
 * const sent = typingDue(undefined, "#lobby", 0); // { place: "#lobby", at: 0 }
 * typingDue(sent, "#lobby", 1000); // undefined
 * typingDue(sent, "@ben", 1000); // { place: "@ben", at: 1000 }
 * ```
 */
export function typingDue(
  last: { place: string; at: number } | undefined,
  place: string,
  now: number,
): { place: string; at: number } | undefined {
  if (last !== undefined && last.place === place && now - last.at < TYPING_EVERY_MS) {
    return undefined;
  }
  return { place, at: now };
}

/** A room of more than this many members is big (PROTOCOL.md section 3.3): no typing there. */
export const BIG_ROOM = 200;

/** The `typing` request. */
export type TypingRequest = { type: "typing"; with?: string };

/**
 * Typing as one front end sees it: who is typing in the place on screen, from the server's
 * messages, and when to say that its own user is typing: only for a message (not a command),
 * at most every {@linkcode TYPING_EVERY_MS}, and never in a big room, where the server drops
 * the signal anyway.
 *
 * @example
 * ```ts
 * import { TypingWatch } from "./typing_board.ts";
 * const watch = new TypingWatch(() => 0);
 * watch.show({ room: "lobby" });
 * watch.observe({ type: "typing", from: "ana", room: "lobby" });
 * watch.text(); // "ana is typing…"
 * watch.typed("hel", 3); // { type: "typing" }
 * watch.typed("hell", 3); // undefined: said less than three seconds ago
 * ```
 */
export class TypingWatch {
  readonly #now: () => number;
  readonly #board: TypingBoard;
  #place: Place | undefined;
  #sent: { place: string; at: number } | undefined;

  constructor(now: () => number) {
    this.#now = now;
    this.#board = new TypingBoard(now);
  }

  /** The place on screen, whose typists {@linkcode TypingWatch.text} names. */
  show(place: Place): void {
    this.#place = place;
  }

  /**
   * Takes in one server message: `typing`, and what ends someone's typing (their message, or a
   * new login). Returns whether it may change what is shown.
   */
  observe(message: ServerMessage): boolean {
    switch (message.type) {
      case "typing": {
        const place = message.room === undefined ? { with: message.from } : { room: message.room };
        this.#board.typing(placeKey(place), message.from);
        return true;
      }
      case "message":
      case "action":
      case "file":
      case "private": {
        if (message.history) return false;
        const to = "to" in message ? message.to : undefined;
        const place = to === undefined ? { room: message.room } : { with: message.from };
        this.#board.spoke(placeKey(place), message.from);
        return true;
      }
      case "welcome":
        this.#board.clear();
        this.#sent = undefined;
        return true;
      default:
        return false;
    }
  }

  /** Who is typing in the place on screen, in words ("" for nobody). */
  text(): string {
    return this.#place === undefined ? "" : typingText(this.#board.who(placeKey(this.#place)));
  }

  /** When what {@linkcode TypingWatch.text} says changes by itself, if it will. */
  nextChange(): number | undefined {
    return this.#place === undefined ? undefined : this.#board.nextChange(placeKey(this.#place));
  }

  /**
   * The user has typed `text` so far in the place on screen, a room of `members` (undefined in
   * a conversation): the `typing` request to send, if it is time to.
   */
  typed(text: string, members: number | undefined): TypingRequest | undefined {
    const place = this.#place;
    if (place === undefined || text.trim() === "" || text.startsWith("/")) return undefined;
    if (members !== undefined && members > BIG_ROOM) return undefined;
    const key = placeKey(place);
    if (typingDue(this.#sent, key, this.#now()) === undefined) return undefined;
    return "with" in place ? { type: "typing", with: place.with } : { type: "typing" };
  }

  /** The request {@linkcode TypingWatch.typed} returned went out: the next waits its turn. */
  sent(): void {
    if (this.#place !== undefined) this.#sent = { place: placeKey(this.#place), at: this.#now() };
  }
}
