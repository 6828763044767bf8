import type { EventType, FileInfo, NoticeEvent, Quote, Reactions } from "../protocol/mod.ts";

/** A stored file: what clients see, plus the key of its bytes in the blob store. */
export interface StoredFile extends FileInfo {
  blob: string;
}

/** A room event to be stored. `ts` is milliseconds since the Unix epoch. */
export interface NewEvent {
  type: EventType;
  room: string;
  from: string;
  text: string;
  ts: number;
  /** Recipient nick, for `private` events and files shared with one person. */
  to?: string;
  /** Notice kind, for `notice` events. */
  event?: NoticeEvent;
  /** New nick, for `nick` notices. */
  nick?: string;
  /** The client's idempotency key (`rid` of `send` / `private`). Unique across the store. */
  clientId?: string;
  /** For `file` events: the file shared. The event's id is the file's id. */
  file?: StoredFile;
  /** For notices of the host controls (PROTOCOL.md section 3.5): who acted, why, until when. */
  control?: ControlDetails;
  /** On a reply: the message it answers (PROTOCOL.md section 3.6). */
  replyTo?: number;
  /**
   * On a reply as it is published: the start of the message it answers, for delivery. Stores do
   * not keep it; they give the quote as the original reads when an event is read back.
   */
  quote?: Quote;
  /** On `edit`, `delete` and `reaction` events: the message they change. */
  ref?: number;
  /**
   * On an `edit` event: what else the message it changes is (its text is the edit's), so that a
   * store keeping a shared log that erased the message and its earlier edits (section 3.6) builds
   * it from its newest edit. Stores do not keep it.
   */
  original?: { type: "message" | "action" | "private"; ts: number; replyTo?: number };
  /** On `reaction` events: the emoji. */
  emoji?: string;
  /** On `reaction` events: the reaction is taken back. */
  remove?: true;
}

/** What a notice of the host controls says besides its sentence. */
export interface ControlDetails {
  /** The operator's nick. */
  by: string;
  reason?: string;
  /** When a ban or mute ends, ms since the epoch. */
  until?: number;
  /** A `topic` notice's new topic. */
  topic?: string;
}

/** A stored event with its server-assigned id (increasing, never reused). */
export interface StoredEvent extends NewEvent {
  id: number;
  /**
   * Read back, on a message whose text was changed. (Stores apply `edit`, `delete` and
   * `reaction` events to the message they name as they store them; an `edit` event read back
   * carries the message's text as it reads now, not a text of its own.)
   */
  edited?: true;
  /** Read back, on a deleted message: its text is `""`. */
  deleted?: true;
  /** Read back, on a message with reactions. */
  reactions?: Reactions;
}

/** What {@linkcode HistoryStore.append} returns. */
export interface AppendResult {
  event: StoredEvent;
  /** False when an event with the same `clientId` was already stored and is returned instead. */
  created: boolean;
}

/**
 * Options of {@linkcode HistoryStore.page}.
 *
 * Without `after`, a page holds the newest `limit` events below `before` (scrolling back).
 * With `after`, it holds the oldest `limit` events above `after`, and below `before` when that
 * is given too (catching up). Either way the page is in ascending id order.
 */
export interface PageOptions {
  /** Only events with an id below this one. */
  before?: number;
  /**
   * Only events with an id above this one, and take the oldest `limit` of them instead of the
   * newest: a reconnecting client passes the id of the last event it has seen. Must be an
   * integer (`0` for everything); a `RangeError` rejects anything else.
   */
  after?: number;
  /** At most this many events: the newest ones, or the oldest ones when `after` is given. */
  limit: number;
  /**
   * Leaves join and leave notices out, so that the page holds `limit` other events: a page a
   * person reads, as opposed to a catch-up, which must carry every event.
   */
  skipPresence?: boolean;
}

/** Options of {@linkcode HistoryStore.conversation}. */
export interface ConversationOptions {
  /** Only events with an id above this one (`0` for all); must be an integer. */
  after: number;
  /** Only events with an id below this one. */
  before?: number;
  /** At most this many events, the newest ones. */
  limit: number;
}

/** A private conversation as {@linkcode HistoryStore.conversations} lists it. */
export interface ConversationSummary {
  /** The other person's nick, as the newest event spells it (the nick itself for notes to self). */
  with: string;
  /** The newest event of the conversation. */
  lastId: number;
}

/** Where a place stands for one reader, from {@linkcode HistoryStore.tally}. */
export interface Tally {
  /** Messages, actions and files above `after` not sent by the reader's nick. */
  unread: number;
  /** Those of them that mention the reader's nick (rooms only: in a conversation all are for you). */
  mentions: number;
  /** The newest message, action or file of the place, `0` when it has none. */
  lastId: number;
}

/** The place {@linkcode HistoryStore.tally} counts: a room, or `nick`'s conversation `with` someone. */
export type TallyPlace = { room: string } | { nick: string; with: string };

/** Event types a person reads: what unread counts count. */
export const READABLE_TYPES: readonly EventType[] = ["message", "action", "file"];

/** Event types that change an earlier message: pages of history leave them out. */
export const CHANGE_TYPES: readonly EventType[] = ["edit", "delete", "reaction"];

/** Event types that may be replied to, reacted to and searched (section 3.6). */
export const MESSAGE_TYPES: readonly EventType[] = ["message", "action", "private", "file"];

/** What {@linkcode HistoryStore.search} looks for, and where it may look. */
export interface SearchRequest {
  /** What the person typed: words, `prefix*` and `"phrases"` (see `search_terms.ts`). */
  text: string;
  /** The rooms the person may see. */
  rooms: readonly string[];
  /** The person's nick: their private conversations are searched too. */
  nick: string;
  /** Only this room (one of `rooms`). */
  room?: string;
  /** Only the private conversation of `nick` with this nick. */
  with?: string;
  /** Only what this nick wrote. */
  from?: string;
  /** Only events below this id. */
  before?: number;
  /** Only private events above this id: where the person's hold of their nick starts. */
  privatesAfter?: number;
  /** At most this many, newest first. */
  limit: number;
}

/** Options of {@linkcode HistoryStore.privates}. */
export interface PrivatesOptions {
  /** Only events with an id above this one (`0` for all); must be an integer. */
  after: number;
  /** At most this many events, the oldest ones above `after`. */
  limit: number;
}

/** What {@linkcode HistoryStore.deleteBefore} and {@linkcode HistoryStore.wipe} removed. */
export interface Deleted {
  /** How many events were deleted. */
  events: number;
  /**
   * The blob keys of deleted `file` events that no remaining event refers to: bytes nobody can
   * ask for any more, for the caller to delete from the blob store.
   */
  blobs: string[];
}

/**
 * Durable room history. `append` resolves only once the event is durable, so an
 * acknowledgement sent after it can never be lost. Implementations: memory and SQLite.
 */
export interface HistoryStore {
  /**
   * Stores an event and assigns its id. An event whose `clientId` is already stored is not
   * stored again: the stored one is returned with `created: false`.
   */
  append(event: NewEvent): Promise<AppendResult>;
  /**
   * Keeps events whose ids a shared log assigned (a cluster node's copy of the log), in one
   * batch. An event whose id is already stored is skipped; one whose `clientId` is stored under
   * another id is kept without its `clientId`. Ids given later by `append` stay above them.
   */
  keep(events: readonly StoredEvent[]): Promise<void>;
  /**
   * Room events of `room`, in ascending id order. Private messages and files shared privately
   * (events with a `to`) are never part of a page.
   *
   * - Without `after`: the newest `limit` events with `id < before` (every id when `before` is
   *   not given).
   * - With `after`: the oldest `limit` events with `after < id`, and also `id < before` when
   *   `before` is given. A client catching up calls it again with the last id it received
   *   until a page holds fewer than `limit` events.
   *
   * @throws {RangeError} when `limit` is not a non-negative integer or `after` is not an
   * integer.
   */
  page(room: string, options: PageOptions): Promise<StoredEvent[]>;
  /**
   * The oldest `limit` events with a `to` (private messages and files shared privately) with
   * `id > after`, in ascending id order, of which
   * `nick` is the sender or the recipient. Nicks are compared by their `nickKey()` (NFKC, then
   * lowercase), so `ADA` finds the messages of `ada`; messages between other users are never
   * returned.
   *
   * @throws {RangeError} when `limit` is not a non-negative integer or `after` is not an
   * integer.
   */
  privates(nick: string, options: PrivatesOptions): Promise<StoredEvent[]>;
  /**
   * The newest `limit` events, in ascending id order, between `nick` and `other` (private
   * messages and files shared privately, either way), with `after < id` and `id < before` when
   * given. Nicks are compared by their `nickKey()`; a conversation of a nick with itself holds
   * its notes to self.
   *
   * @throws {RangeError} when `limit` is not a non-negative integer or `after` is not an
   * integer.
   */
  conversation(nick: string, other: string, options: ConversationOptions): Promise<StoredEvent[]>;
  /**
   * The people `nick` has private messages or files with, above `after`: the `limit` whose
   * newest event is newest, newest first.
   *
   * @throws {RangeError} when `limit` is not a non-negative integer or `after` is not an
   * integer.
   */
  conversations(nick: string, options: PrivatesOptions): Promise<ConversationSummary[]>;
  /**
   * Counts what `self` has to read in `place` above `after`: for a room, its messages, actions
   * and files not sent by `self` (spelled as stored) and those of them mentioning `self` (`mentions()` of the
   * protocol); for a conversation, what the other sent to `place.nick`.
   *
   * @throws {RangeError} when `after` is not an integer.
   */
  tally(place: TallyPlace, options: { after: number; self: string }): Promise<Tally>;
  /**
   * The newest `limit` messages and actions of any room that mention `nick`, with `id < before`
   * when given, in ascending id order.
   *
   * @throws {RangeError} when `limit` is not a non-negative integer.
   */
  mentions(nick: string, options: { before?: number; limit: number }): Promise<StoredEvent[]>;
  /**
   * The highest id stored, of any event in any room (private ones included), or `0` when the
   * store is empty. Every event appended later gets a higher id, so it is a cursor for `after`.
   */
  lastId(): Promise<number>;
  /** How many events are stored, in all rooms. */
  count(): Promise<number>;
  /**
   * The oldest `limit` events of any room and kind, private ones included, with `id > after`,
   * in ascending id order: the log read from a cursor.
   *
   * @throws {RangeError} when `limit` is not a non-negative integer or `after` is not an
   * integer.
   */
  events(options: PrivatesOptions): Promise<StoredEvent[]>;
  /** The event stored with this `clientId`, if there is one. */
  byClientId(clientId: string): Promise<StoredEvent | undefined>;
  /** The `file` event with this id, if there is one. */
  file(id: number): Promise<StoredEvent | undefined>;
  /** The event with this id as it reads now, if there is one. */
  event(id: number): Promise<StoredEvent | undefined>;
  /**
   * The ids of the `edit` events of message `id`, oldest first: what a shared log that keeps
   * every event's text erases once a newer edit or a delete supersedes them.
   */
  edits(id: number): Promise<number[]>;
  /**
   * The messages, actions, files and private messages matching `request.text` that the person
   * may see, newest first, as they read now. Throws a `RangeError` when the text holds nothing
   * to search for.
   */
  search(request: SearchRequest): Promise<StoredEvent[]>;
  /** The newest `limit` `file` events, of one room or of all, oldest first; never private ones. */
  files(options: { room?: string; limit: number }): Promise<StoredEvent[]>;
  /**
   * Deletes every event with `ts` below `ts` (milliseconds since the epoch), of every room and
   * kind, private ones included. Deleted means gone from the storage itself, not hidden: an
   * implementation keeps no copy of the text anywhere it could be read back (SQLite: secure
   * delete and a truncating checkpoint; a replicated stream: a purge). Ids of deleted events are
   * never given again.
   *
   * @throws {RangeError} when `ts` is not a finite number.
   */
  deleteBefore(ts: number): Promise<Deleted>;
  /**
   * Deletes every event, as {@linkcode HistoryStore.deleteBefore} does; ids go on from where they
   * were, so cursors and read markers held by clients never point at a new event by mistake.
   */
  wipe(): Promise<Deleted>;
  /** Flushes and releases the store. */
  close(): Promise<void>;
}
