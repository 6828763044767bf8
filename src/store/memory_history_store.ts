import type {
  AppendResult,
  HistoryStore,
  NewEvent,
  PageOptions,
  StoredEvent,
} from "./history_store.ts";

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
      const existing = event.clientId === undefined
        ? undefined
        : this.#byClientId.get(event.clientId);
      if (existing !== undefined) return { event: { ...existing }, created: false };
      const lastId = this.#events.at(-1)?.id ?? 0;
      const stored = toStoredEvent(event, lastId + 1);
      this.#events.push(stored);
      if (stored.clientId !== undefined) this.#byClientId.set(stored.clientId, stored);
      return { event: { ...stored }, created: true };
    });
  }

  /** The newest `limit` non-private events of `room` below `before`, oldest first. */
  page(room: string, options: PageOptions): Promise<StoredEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertLimit(options.limit);
      const before = options.before ?? Infinity;
      const matching = this.#events.filter((event) =>
        event.room === room && event.type !== "private" && event.id < before
      );
      const newest = options.limit === 0 ? [] : matching.slice(-options.limit);
      return newest.map((event) => ({ ...event }));
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

/** Runs `fn` now and reports its result or error as a promise, as an async store would. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`Page limit ${limit} is not a non-negative integer`);
  }
}

/** Copies only the fields that are set, so stored events compare equal to SQLite's. */
function toStoredEvent(event: NewEvent, id: number): StoredEvent {
  const stored: StoredEvent = {
    id,
    type: event.type,
    room: event.room,
    from: event.from,
    text: event.text,
    ts: event.ts,
  };
  if (event.to !== undefined) stored.to = event.to;
  if (event.event !== undefined) stored.event = event.event;
  if (event.nick !== undefined) stored.nick = event.nick;
  if (event.clientId !== undefined) stored.clientId = event.clientId;
  return stored;
}
