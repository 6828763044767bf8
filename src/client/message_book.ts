/**
 * What a client knows of the messages it has been shown, as they read now: both clients keep one
 * and feed it every event they receive (live, history and catch-up) and every `ack`. Changes are
 * events naming their message (PROTOCOL.md section 3.6); the book applies them in place, so the
 * browser redraws the message and the terminal prints what changed under it.
 *
 * Applying is idempotent: a catch-up sends a message as it reads now and then the changes since,
 * and applying an edit, a delete or a reaction twice leaves the same state (an edit sets the text,
 * a reaction adds or removes one nick of a set). A change to a message the book never saw is
 * ignored: the message, when loaded later, comes as it reads then.
 *
 * The book is bounded: it forgets the oldest messages beyond {@linkcode MAX_REMEMBERED}, which is
 * more than either client shows.
 *
 * @module
 */
import { type Quote, quoteOf, type Reactions, type ServerMessage } from "../protocol/mod.ts";
import { nickKey } from "../protocol/names.ts";

/** How many messages a book remembers before forgetting the oldest. */
export const MAX_REMEMBERED = 20_000;

/** Types of events that are messages others can reply to, react to, edit or delete. */
const MESSAGE_TYPES = new Set(["message", "action", "private", "file"]);

/** A message as the book holds it: what it reads now. */
export interface BookEntry {
  id: number;
  type: "message" | "action" | "private" | "file";
  room: string;
  from: string;
  to?: string;
  ts: string;
  text: string;
  edited: boolean;
  deleted: boolean;
  /** Emoji → the nicks who gave it, in the order each emoji was first given. */
  reactions: Map<string, string[]>;
  replyTo?: number;
  quote?: Quote;
}

/** What applying an event did: a new message, or a change to message `id`. */
export type BookChange =
  | { kind: "added"; entry: BookEntry }
  | { kind: "edited" | "deleted" | "reacted"; entry: BookEntry; by: string }
  | { kind: "unknown"; ref: number };

type Event = Extract<ServerMessage, { type: "message" | "action" | "private" | "file" }>;
type Change = Extract<ServerMessage, { type: "edit" | "delete" | "reaction" }>;
type AckEvent = Extract<ServerMessage, { type: "ack" }>["event"];

/**
 * The messages a client has seen, by id, with the changes made to them applied.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MessageBook } from "./message_book.ts";
 *
 * const book = new MessageBook();
 * book.apply({ type: "message", id: 1, ts: "", room: "lobby", from: "ana", text: "helo" });
 * book.apply({ type: "edit", id: 2, ts: "", room: "lobby", from: "ana", text: "hello", ref: 1 });
 * assertEquals(book.get(1)?.text, "hello");
 * assertEquals(book.get(1)?.edited, true);
 * ```
 */
export class MessageBook {
  readonly #entries = new Map<number, BookEntry>();

  /** The message with this id, if the book has it. */
  get(id: number): BookEntry | undefined {
    return this.#entries.get(id);
  }

  /**
   * Applies one server message: a message is remembered (as it reads now), a change applied to
   * its message. Returns what happened, or `undefined` for anything else.
   */
  apply(message: ServerMessage | AckEvent): BookChange | undefined {
    if (MESSAGE_TYPES.has(message.type)) return this.#add(message as Event);
    if (message.type === "edit" || message.type === "delete" || message.type === "reaction") {
      return this.#change(message as Change);
    }
    if (message.type === "ack") return this.apply(message.event);
    return undefined;
  }

  /**
   * The newest message of `nick` that is not deleted, in `room` (a room's name) or, with
   * `withNick`, in the private conversation with that nick: what `/edit` and `/delete` change
   * when no id is given.
   */
  lastOwn(nick: string, place: { room: string } | { with: string }): BookEntry | undefined {
    const self = nickKey(nick);
    const ids = [...this.#entries.keys()].sort((a, b) => b - a);
    for (const id of ids) {
      const entry = this.#entries.get(id)!;
      if (entry.deleted || nickKey(entry.from) !== self || entry.type === "file") continue;
      if ("room" in place) {
        if (entry.type !== "private" && entry.room === place.room) return entry;
      } else if (entry.type === "private" && entry.to !== undefined) {
        if (nickKey(entry.to) === nickKey(place.with)) return entry;
      }
    }
    return undefined;
  }

  #add(event: Event | AckEvent): BookChange {
    const reactions = new Map<string, string[]>();
    for (const { emoji, nicks } of ("reactions" in event ? event.reactions : undefined) ?? []) {
      reactions.set(emoji, [...nicks]);
    }
    const entry: BookEntry = {
      id: event.id,
      type: event.type as BookEntry["type"],
      room: event.room,
      from: event.from,
      ts: event.ts,
      text: event.text,
      edited: "edited" in event && event.edited === true,
      deleted: "deleted" in event && event.deleted === true,
      reactions,
    };
    if ("to" in event && event.to !== undefined) entry.to = event.to;
    if (event.reply_to !== undefined) entry.replyTo = event.reply_to;
    if (event.quote !== undefined) entry.quote = event.quote;
    this.#entries.set(entry.id, entry);
    if (this.#entries.size > MAX_REMEMBERED) {
      // The first remembered, which is the oldest but for pages of history loaded later.
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return { kind: "added", entry };
  }

  #change(change: Change | AckEvent): BookChange {
    const ref = change.ref!;
    const entry = this.#entries.get(ref);
    if (entry === undefined) return { kind: "unknown", ref };
    switch (change.type) {
      case "edit":
        if (!entry.deleted) {
          entry.text = change.text;
          entry.edited = true;
        }
        this.#requote(entry);
        return { kind: "edited", entry, by: change.from };
      case "delete":
        entry.text = "";
        entry.deleted = true;
        entry.reactions.clear();
        this.#requote(entry);
        return { kind: "deleted", entry, by: change.from };
      default: {
        if (!entry.deleted) react(entry.reactions, change.emoji!, change.from, change.remove);
        return { kind: "reacted", entry, by: change.from };
      }
    }
  }

  /** Brings the quotes of the replies to `original` up to date. */
  #requote(original: BookEntry): void {
    for (const entry of this.#entries.values()) {
      if (entry.replyTo !== original.id) continue;
      entry.quote = quoteOf(original);
    }
  }
}

/** Adds or removes `nick`'s reaction `emoji`, keeping the order of first reactions. */
function react(
  reactions: Map<string, string[]>,
  emoji: string,
  nick: string,
  remove: true | undefined,
): void {
  const nicks = reactions.get(emoji) ?? [];
  const key = nickKey(nick);
  const index = nicks.findIndex((other) => nickKey(other) === key);
  if (remove === true) {
    if (index >= 0) nicks.splice(index, 1);
    if (nicks.length === 0) reactions.delete(emoji);
    return;
  }
  if (index < 0) nicks.push(nick);
  reactions.set(emoji, nicks);
}

/** The reactions of `entry` as the wire carries them (`reactions` of an event). */
export function reactionList(entry: BookEntry): Reactions {
  return [...entry.reactions].map(([emoji, nicks]) => ({ emoji, nicks: [...nicks] }));
}
