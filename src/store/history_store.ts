import type { EventType, FileInfo, NoticeEvent } from "../protocol/mod.ts";

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
  /** Recipient nick, for `private` events. */
  to?: string;
  /** Notice kind, for `notice` events. */
  event?: NoticeEvent;
  /** New nick, for `nick` notices. */
  nick?: string;
  /** The client's idempotency key (`rid` of `send` / `private`). Unique across the store. */
  clientId?: string;
  /** For `file` events: the file shared. The event's id is the file's id. */
  file?: StoredFile;
}

/** A stored event with its server-assigned id (increasing, never reused). */
export interface StoredEvent extends NewEvent {
  id: number;
}

/** What {@linkcode HistoryStore.append} returns. */
export interface AppendResult {
  event: StoredEvent;
  /** False when an event with the same `clientId` was already stored and is returned instead. */
  created: boolean;
}

/** Options of {@linkcode HistoryStore.page}. */
export interface PageOptions {
  /** Only events with an id below this one. */
  before?: number;
  /** At most this many events (the newest ones). */
  limit: number;
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
   * The newest `limit` room events of `room` below `before`, oldest first. Private messages
   * are never part of a page.
   */
  page(room: string, options: PageOptions): Promise<StoredEvent[]>;
  /** How many events are stored, in all rooms. */
  count(): Promise<number>;
  /** The `file` event with this id, if there is one. */
  file(id: number): Promise<StoredEvent | undefined>;
  /** The newest `limit` `file` events, of one room or of all, oldest first. */
  files(options: { room?: string; limit: number }): Promise<StoredEvent[]>;
  /** Flushes and releases the store. */
  close(): Promise<void>;
}
