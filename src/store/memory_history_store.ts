import type {
  AppendResult,
  HistoryStore,
  NewEvent,
  PageOptions,
  PrivatesOptions,
  StoredEvent,
} from "../chat/history_store.ts";
import { nickKey } from "../protocol/names.ts";
import { assertAfter, assertLimit, copyEvent, fileTypeProblem } from "./_events.ts";
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
      const lastId = this.#events.at(-1)?.id ?? 0;
      const stored = copyEvent(event, lastId + 1);
      this.#events.push(stored);
      if (stored.clientId !== undefined) this.#byClientId.set(stored.clientId, stored);
      return { event: copyEvent(stored, stored.id), created: true };
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
        event.room === room && event.type !== "private" && event.id < before && event.id > after
      );
      return options.after === undefined
        ? newest(matching, options.limit)
        : oldest(matching, options.limit);
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
        event.type === "private" && event.id > options.after &&
        (nickKey(event.from) === key || (event.to !== undefined && nickKey(event.to) === key))
      );
      return oldest(matching, options.limit);
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
      return this.#events.filter((event) => event.id > options.after).slice(0, options.limit)
        .map((event) => copyEvent(event, event.id));
    });
  }

  /** The event stored with this `clientId`, if any. */
  byClientId(clientId: string): Promise<StoredEvent | undefined> {
    return settle(() => {
      this.#assertOpen();
      const event = this.#byClientId.get(clientId);
      return event === undefined ? undefined : copyEvent(event, event.id);
    });
  }

  /** The `file` event with this id, or `undefined` when the id is not a stored file. */
  file(id: number): Promise<StoredEvent | undefined> {
    return settle(() => {
      this.#assertOpen();
      const event = this.#events.find((stored) => stored.id === id);
      return event?.type === "file" ? copyEvent(event, event.id) : undefined;
    });
  }

  /** The newest `limit` `file` events, of `room` or of every room, oldest first. */
  files(options: { room?: string; limit: number }): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      const matching = this.#events.filter((event) =>
        event.type === "file" && (options.room === undefined || event.room === options.room)
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

  /** Marks the store closed; later calls other than `close()` reject. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("The history store is closed");
  }
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
