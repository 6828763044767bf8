import {
  type AppendResult,
  CHANGE_TYPES,
  type ConversationOptions,
  type ConversationSummary,
  type Deleted,
  type HistoryStore,
  MESSAGE_TYPES,
  type NewEvent,
  type PageOptions,
  type PrivatesOptions,
  READABLE_TYPES,
  type SearchRequest,
  type StoredEvent,
  type Tally,
  type TallyPlace,
} from "../chat/history_store.ts";
import { nickKey } from "../protocol/names.ts";
import { mentions } from "../protocol/mentions.ts";
import {
  assertAfter,
  assertLimit,
  copyEvent,
  fileTypeProblem,
  leftOutOfPages,
  messageFromEdit,
} from "./_events.ts";
import { quoteOf } from "../protocol/quote.ts";
import { matchesSearch } from "./_search_match.ts";
import { settle } from "./_settle.ts";

/**
 * A {@linkcode HistoryStore} that keeps events in memory, for tests and for wiring the seam
 * without a database. Nothing survives the process; otherwise it behaves like the SQLite store.
 *
 * @example Append and page
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryHistoryStore } from "./memory_history_store.ts";
 *
 * const store = new MemoryHistoryStore();
 * const { event } = await store.append({
 *   type: "message",
 *   room: "lobby",
 *   from: "ada",
 *   text: "hello",
 *   ts: 0,
 * });
 * assertEquals(event.id, 1);
 * assertEquals(await store.page("lobby", { limit: 10 }), [event]);
 * await store.close();
 * ```
 */
export class MemoryHistoryStore implements HistoryStore {
  #events: StoredEvent[] = [];
  #byClientId = new Map<string, StoredEvent>();
  #byId = new Map<number, StoredEvent>();
  /** Message id → emoji → who gave it, in the order given. */
  #reactions = new Map<number, Map<string, string[]>>();
  /** The highest id given, deleted or not: ids are never given twice. */
  #lastGiven = 0;
  #closed = false;

  /** Stores the event, or returns the stored one with the same `clientId`. */
  append(event: NewEvent): Promise<AppendResult> {
    return settle(() => {
      this.#assertOpen();
      const problem = fileTypeProblem(event);
      if (problem !== undefined) throw problem;
      const existing = event.clientId === undefined
        ? undefined
        : this.#byClientId.get(event.clientId);
      if (existing !== undefined) {
        return { event: copyEvent(existing, existing.id), created: false };
      }
      const stored = this.#stored(event, ++this.#lastGiven);
      this.#events.push(stored);
      if (stored.clientId !== undefined) this.#byClientId.set(stored.clientId, stored);
      this.#applyChange(stored, event);
      return { event: copyEvent(event, stored.id), created: true };
    });
  }

  /** Keeps events whose ids a shared log assigned; see {@linkcode HistoryStore.keep}. */
  keep(events: readonly StoredEvent[]): Promise<void> {
    return settle(() => {
      this.#assertOpen();
      for (const event of events) {
        if (this.#byId.has(event.id)) continue;
        const copy = this.#stored(event, event.id);
        if (copy.clientId !== undefined && this.#byClientId.has(copy.clientId)) {
          delete copy.clientId;
        }
        // Usually the newest: a log hands its events over in id order.
        let at = this.#events.length;
        while (at > 0 && this.#events[at - 1].id > copy.id) at--;
        this.#events.splice(at, 0, copy);
        if (copy.clientId !== undefined) this.#byClientId.set(copy.clientId, copy);
        this.#lastGiven = Math.max(this.#lastGiven, copy.id);
        this.#applyChange(copy, event);
      }
    });
  }

  /**
   * Non-private events of `room` below `before`, oldest first: the newest `limit` of them, or
   * with `after` the oldest `limit` above it.
   */
  page(room: string, options: PageOptions): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      if (options.after !== undefined) assertAfter(options.after);
      const before = options.before ?? Infinity;
      const after = options.after ?? -Infinity;
      const matching = this.#events.filter((event) =>
        event.room === room && event.to === undefined && event.id < before &&
        event.id > after && !(options.skipPresence && leftOutOfPages(event))
      );
      return this.#decorate(
        options.after === undefined
          ? newest(matching, options.limit)
          : oldest(matching, options.limit),
      );
    });
  }

  /** The oldest `limit` private events above `after` sent or received by `nick`. */
  privates(nick: string, options: PrivatesOptions): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      assertAfter(options.after);
      const key = nickKey(nick);
      const matching = this.#events.filter((event) =>
        event.to !== undefined && event.id > options.after &&
        (nickKey(event.from) === key || nickKey(event.to) === key)
      );
      return this.#decorate(oldest(matching, options.limit));
    });
  }

  /** The newest `limit` events between `nick` and `other`, within the bounds, oldest first. */
  conversation(nick: string, other: string, options: ConversationOptions): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      assertAfter(options.after);
      const before = options.before ?? Infinity;
      const matching = this.#events.filter((event) =>
        event.id > options.after && event.id < before && between(event, nick, other) &&
        !CHANGE_TYPES.includes(event.type)
      );
      return this.#decorate(newest(matching, options.limit));
    });
  }

  /** Whom `nick` has private events with above `after`, the newest `limit`, newest first. */
  conversations(nick: string, options: PrivatesOptions): Promise<ConversationSummary[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      assertAfter(options.after);
      const key = nickKey(nick);
      const found = new Map<string, ConversationSummary>();
      for (let index = this.#events.length - 1; index >= 0; index--) {
        const event = this.#events[index];
        if (event.id <= options.after) break;
        if (event.to === undefined) continue;
        const other = nickKey(event.from) === key
          ? event.to
          : nickKey(event.to) === key
          ? event.from
          : undefined;
        if (other === undefined || found.has(nickKey(other))) continue;
        found.set(nickKey(other), { with: other, lastId: event.id });
      }
      return [...found.values()].slice(0, options.limit);
    });
  }

  /** What `self` has to read in `place` above `after`. */
  tally(place: TallyPlace, options: { after: number; self: string }): Promise<Tally> {
    return settle(() => {
      this.#assertOpen();
      assertAfter(options.after);
      const tally: Tally = { unread: 0, mentions: 0, lastId: 0 };
      for (const event of this.#events) {
        if ("room" in place) {
          if (event.room !== place.room || event.to !== undefined) continue;
          if (!READABLE_TYPES.includes(event.type)) continue;
          tally.lastId = event.id;
          if (event.id <= options.after || event.from === options.self) continue;
          tally.unread++;
          if (event.type !== "file" && mentions(event.text, options.self)) tally.mentions++;
        } else {
          if (!between(event, place.nick, place.with)) continue;
          if (CHANGE_TYPES.includes(event.type)) continue;
          tally.lastId = event.id;
          if (event.id <= options.after || nickKey(event.to!) !== nickKey(place.nick)) continue;
          if (nickKey(event.from) === nickKey(place.nick)) continue;
          tally.unread++;
        }
      }
      return tally;
    });
  }

  /** The newest `limit` room messages and actions mentioning `nick` below `before`. */
  mentions(nick: string, options: { before?: number; limit: number }): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      const before = options.before ?? Infinity;
      const matching = this.#events.filter((event) =>
        event.id < before && event.to === undefined &&
        (event.type === "message" || event.type === "action") && mentions(event.text, nick)
      );
      return this.#decorate(newest(matching, options.limit));
    });
  }

  /** The id of the newest event, or `0` when none is stored. */
  lastId(): Promise<number> {
    return settle(() => {
      this.#assertOpen();
      return this.#events.at(-1)?.id ?? 0;
    });
  }

  /** The oldest `limit` events of every kind above `after`. */
  events(options: PrivatesOptions): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      assertAfter(options.after);
      return this.#decorate(
        this.#events.filter((event) => event.id > options.after).slice(0, options.limit)
          .map((event) => copyEvent(event, event.id)),
      );
    });
  }

  /** The event stored with this `clientId`, if any. */
  byClientId(clientId: string): Promise<StoredEvent | undefined> {
    return settle(() => {
      this.#assertOpen();
      const event = this.#byClientId.get(clientId);
      return event === undefined ? undefined : this.#decorate([copyEvent(event, event.id)])[0];
    });
  }

  /** The `file` event with this id, or `undefined` when the id is not a stored file. */
  file(id: number): Promise<StoredEvent | undefined> {
    return settle(() => {
      this.#assertOpen();
      const event = this.#byId.get(id);
      return event?.type === "file" ? this.#decorate([copyEvent(event, event.id)])[0] : undefined;
    });
  }

  /** The event with this id as it reads now, if there is one. */
  event(id: number): Promise<StoredEvent | undefined> {
    return settle(() => {
      this.#assertOpen();
      const event = this.#byId.get(id);
      return event === undefined ? undefined : this.#decorate([copyEvent(event, event.id)])[0];
    });
  }

  /** The ids of the `edit` events of message `id`, oldest first. */
  edits(id: number): Promise<number[]> {
    return settle(() => {
      this.#assertOpen();
      return this.#events.filter((event) => event.type === "edit" && event.ref === id)
        .map((event) => event.id);
    });
  }

  /** What `request` finds, newest first: see {@linkcode HistoryStore.search}. */
  search(request: SearchRequest): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(request.limit);
      const matches = matchesSearch(request);
      const found: StoredEvent[] = [];
      for (let index = this.#events.length - 1; index >= 0; index--) {
        if (found.length === request.limit) break;
        const event = this.#events[index];
        if (matches(event)) found.push(copyEvent(event, event.id));
      }
      return this.#decorate(found);
    });
  }

  /** A copy of `event` to keep as `id`: an edit's text lives only in the message it changes. */
  #stored(event: NewEvent, id: number): StoredEvent {
    const stored = copyEvent(event, id);
    delete stored.quote;
    if (stored.type === "edit") stored.text = "";
    this.#byId.set(id, stored);
    return stored;
  }

  /** Applies a change event just stored to the message it names. */
  #applyChange(change: StoredEvent, event: NewEvent): void {
    if (change.ref === undefined) return;
    const text = event.text;
    const message = this.#byId.get(change.ref);
    if (message === undefined) {
      if (change.type === "edit") this.#rebuild(event);
      if (change.type === "delete") this.#reactions.delete(change.ref);
      // A reaction to a message not (yet) kept waits for it, as in the SQLite store.
      if (change.type !== "reaction") return;
    }
    if (message?.deleted === true) return;
    switch (change.type) {
      case "edit": {
        if (!["message", "action", "private"].includes(message!.type)) return;
        message!.text = text;
        message!.edited = true;
        return;
      }
      case "delete":
        message!.text = "";
        message!.deleted = true;
        delete message!.edited;
        this.#reactions.delete(message!.id);
        return;
      case "reaction": {
        const of = this.#reactions.get(change.ref) ?? new Map<string, string[]>();
        const nicks = of.get(change.emoji!) ?? [];
        const at = nicks.findIndex((nick) => nickKey(nick) === nickKey(change.from));
        if (change.remove === true) {
          if (at >= 0) nicks.splice(at, 1);
        } else if (at < 0) nicks.push(change.from);
        if (nicks.length > 0) of.set(change.emoji!, nicks);
        else of.delete(change.emoji!);
        if (of.size > 0) this.#reactions.set(change.ref, of);
        else this.#reactions.delete(change.ref);
        return;
      }
    }
  }

  /** Keeps the message an edit names from the edit: see the SQLite store's `#rebuild`. */
  #rebuild(edit: NewEvent): void {
    const message = messageFromEdit(edit);
    if (message === undefined) return;
    const stored = this.#stored(message, edit.ref!);
    stored.edited = true;
    let at = this.#events.length;
    while (at > 0 && this.#events[at - 1].id > stored.id) at--;
    this.#events.splice(at, 0, stored);
  }

  /** Gives copies of events their reactions, quotes, and on edits the current text. */
  #decorate(events: StoredEvent[]): StoredEvent[] {
    for (const event of events) {
      const of = MESSAGE_TYPES.includes(event.type) ? this.#reactions.get(event.id) : undefined;
      if (of !== undefined) {
        event.reactions = [...of].map(([emoji, nicks]) => ({ emoji, nicks: [...nicks] }));
      }
      if (event.type === "edit") event.text = this.#byId.get(event.ref!)?.text ?? "";
      if (event.replyTo === undefined) continue;
      const original = this.#byId.get(event.replyTo);
      if (original === undefined) continue;
      event.quote = quoteOf(original);
    }
    return events;
  }

  /** The newest `limit` `file` events, of `room` or of every room, oldest first. */
  files(options: { room?: string; limit: number }): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      const matching = this.#events.filter((event) =>
        event.type === "file" && event.to === undefined &&
        (options.room === undefined || event.room === options.room)
      );
      return newest(matching, options.limit);
    });
  }

  /** How many events are stored, private ones included. */
  count(): Promise<number> {
    return settle(() => {
      this.#assertOpen();
      return this.#events.length;
    });
  }

  /** Deletes the events older than `ts`; nothing of them is kept. */
  deleteBefore(ts: number): Promise<Deleted> {
    return settle(() => {
      this.#assertOpen();
      if (!Number.isFinite(ts)) throw new RangeError(`Time ${ts} is not a finite number`);
      return this.#delete((event) => event.ts < ts);
    });
  }

  /** Deletes every event; ids go on from the highest given. */
  wipe(): Promise<Deleted> {
    return settle(() => {
      this.#assertOpen();
      return this.#delete(() => true);
    });
  }

  #delete(doomed: (event: StoredEvent) => boolean): Deleted {
    const gone = this.#events.filter(doomed);
    this.#events = this.#events.filter((event) => !doomed(event));
    for (const event of gone) {
      if (event.clientId !== undefined) this.#byClientId.delete(event.clientId);
      this.#byId.delete(event.id);
      this.#reactions.delete(event.id);
    }
    const kept = new Set(this.#events.map((event) => event.file?.blob));
    const blobs = new Set(
      gone.flatMap((event) => event.file === undefined ? [] : [event.file.blob]),
    );
    return { events: gone.length, blobs: [...blobs].filter((blob) => !kept.has(blob)) };
  }

  /** Marks the store closed; later calls other than `close()` reject. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("The history store is closed");
  }
}

/** Whether `event` is private between `nick` and `other` (either way). */
function between(event: StoredEvent, nick: string, other: string): boolean {
  if (event.to === undefined) return false;
  const from = nickKey(event.from);
  const to = nickKey(event.to);
  const a = nickKey(nick);
  const b = nickKey(other);
  return (from === a && to === b) || (from === b && to === a);
}

/** Copies of the first `limit` events. */
function oldest(events: StoredEvent[], limit: number): StoredEvent[] {
  return events.slice(0, limit).map((event) => copyEvent(event, event.id));
}

/** Copies of the last `limit` events. */
function newest(events: StoredEvent[], limit: number): StoredEvent[] {
  const last = limit === 0 ? [] : events.slice(-limit);
  return last.map((event) => copyEvent(event, event.id));
}
