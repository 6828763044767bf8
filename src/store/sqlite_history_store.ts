import type { DatabaseSync, StatementSync } from "node:sqlite";
import { clearImmediate, setImmediate } from "node:timers";
import type {
  AppendResult,
  HistoryStore,
  NewEvent,
  PageOptions,
  PrivatesOptions,
  StoredEvent,
} from "../chat/history_store.ts";
import type { EventType, NoticeEvent } from "../protocol/mod.ts";
import { nickKey } from "../protocol/names.ts";
import { openChatDatabase, readText } from "./_sqlite_schema.ts";
import { assertAfter, assertLimit, copyEvent, fileTypeProblem } from "./_events.ts";
import { settle } from "./_settle.ts";

/**
 * Free-text columns are read as BLOBs and decoded here, because the `node:sqlite` binding cuts
 * TEXT values at the first NUL character, and NUL is allowed in chat text.
 */
const COLUMNS = `id, ts, type, event, CAST(room AS BLOB) AS room, CAST(sender AS BLOB) AS sender,
  CAST(recipient AS BLOB) AS recipient, CAST(text AS BLOB) AS text, CAST(nick AS BLOB) AS nick,
  CAST(client_id AS BLOB) AS client_id, CAST(file_name AS BLOB) AS file_name, file_size,
  file_sha256, file_blob`;

interface PendingAppend {
  event: NewEvent;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * A durable {@linkcode HistoryStore} in one SQLite file, through the built-in `node:sqlite`.
 *
 * Appends are group-committed: every append made in one turn of the event loop (the network
 * reads that completed together) is written in one transaction, and their promises resolve in
 * call order, which is also id order.
 *
 * @example Append and page
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SqliteHistoryStore } from "./sqlite_history_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = SqliteHistoryStore.open(`${dir}/chat.db`);
 * const { event } = await store.append({
 *   type: "message",
 *   room: "lobby",
 *   from: "ada",
 *   text: "hello",
 *   ts: 0,
 * });
 * assertEquals(await store.page("lobby", { limit: 10 }), [event]);
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteHistoryStore implements HistoryStore {
  #db: DatabaseSync;
  #insert: StatementSync;
  #findByClientId: StatementSync;
  #events: StatementSync;
  #page: StatementSync;
  #pageAfter: StatementSync;
  #privates: StatementSync;
  #lastId: StatementSync;
  #count: StatementSync;
  #file: StatementSync;
  #filesInRoom: StatementSync;
  #filesInAllRooms: StatementSync;
  #queue: PendingAppend[] = [];
  #timer: ReturnType<typeof setImmediate> | undefined;
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO events (ts, room, type, sender, recipient, text, event, nick, client_id,
         file_name, file_size, file_sha256, file_blob, sender_key, recipient_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#findByClientId = db.prepare(`SELECT ${COLUMNS} FROM events WHERE client_id = ?`);
    this.#events = db.prepare(`SELECT ${COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?`);
    this.#page = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM events WHERE room = ? AND type <> 'private' AND id < ?
         ORDER BY id DESC LIMIT ?
       ) ORDER BY id`,
    );
    this.#pageAfter = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE room = ? AND type <> 'private' AND id > ? AND id < ?
       ORDER BY id LIMIT ?`,
    );
    // Each side of the UNION reads at most `limit` rows through its own index; a message a user
    // sent to themself is in both and kept once.
    this.#privates = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE id IN (
         SELECT id FROM (
           SELECT id FROM events WHERE type = 'private' AND sender_key = ?1 AND id > ?2
           ORDER BY id LIMIT ?3
         )
         UNION
         SELECT id FROM (
           SELECT id FROM events WHERE type = 'private' AND recipient_key = ?1 AND id > ?2
           ORDER BY id LIMIT ?3
         )
       ) ORDER BY id LIMIT ?3`,
    );
    this.#lastId = db.prepare("SELECT COALESCE(MAX(id), 0) AS n FROM events");
    this.#count = db.prepare("SELECT COUNT(*) AS n FROM events");
    this.#file = db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ? AND type = 'file'`);
    this.#filesInRoom = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM events WHERE type = 'file' AND room = ? ORDER BY id DESC LIMIT ?
       ) ORDER BY id`,
    );
    this.#filesInAllRooms = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM events WHERE type = 'file' ORDER BY id DESC LIMIT ?
       ) ORDER BY id`,
    );
  }

  /**
   * Opens the store at `path`, creating the file and its schema when missing.
   *
   * @throws {StoreVersionError} when the file was written by a newer chat.
   * @throws {Error} when the file is not a chat database or cannot be opened.
   */
  static open(path: string): SqliteHistoryStore {
    return new SqliteHistoryStore(openChatDatabase(path));
  }

  /** Queues the event for the next group commit; resolves once it is committed. */
  append(event: NewEvent): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(closedError());
    // Checked here rather than in the batch, so that a bad event fails alone.
    const problem = fileTypeProblem(event);
    if (problem !== undefined) return Promise.reject(problem);
    const { promise, resolve, reject } = Promise.withResolvers<AppendResult>();
    this.#queue.push({ event, resolve, reject });
    // After this turn's input rather than in a microtask, so that appends from connections
    // served in the same turn of the event loop share one transaction. Not `setTimeout(0)`:
    // Deno rounds a timer up to the next millisecond and more, which delayed every message by
    // 2 ms (median); an immediate runs right after the turn's I/O, in tens of microseconds.
    this.#timer ??= setImmediate(() => this.#flush());
    return promise;
  }

  /**
   * Non-private events of `room` below `before`, oldest first: the newest `limit` of them, or
   * with `after` the oldest `limit` above it.
   */
  page(room: string, options: PageOptions): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      const before = options.before ?? Number.MAX_SAFE_INTEGER;
      if (options.after === undefined) {
        return this.#page.all(room, before, options.limit).map(toStoredEvent);
      }
      assertAfter(options.after);
      return this.#pageAfter.all(room, options.after, before, options.limit).map(toStoredEvent);
    });
  }

  /** The oldest `limit` private events above `after` sent or received by `nick`. */
  privates(nick: string, options: PrivatesOptions): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      assertAfter(options.after);
      return this.#privates.all(nickKey(nick), options.after, options.limit).map(toStoredEvent);
    });
  }

  /** The id of the newest stored event, or `0` when none is stored. */
  lastId(): Promise<number> {
    return this.#read(() => Number(this.#lastId.get()?.n ?? 0));
  }

  /** How many events are stored, private ones included. */
  count(): Promise<number> {
    return this.#read(() => Number(this.#count.get()?.n ?? 0));
  }

  /** The oldest `limit` events of every kind above `after`. */
  events(options: PrivatesOptions): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      assertAfter(options.after);
      return this.#events.all(options.after, options.limit).map(toStoredEvent);
    });
  }

  /** The event stored with this `clientId`, if any. */
  byClientId(clientId: string): Promise<StoredEvent | undefined> {
    return this.#read(() => {
      const row = this.#findByClientId.get(clientId);
      return row === undefined ? undefined : toStoredEvent(row);
    });
  }

  /** The `file` event with this id, or `undefined` when the id is not a stored file. */
  file(id: number): Promise<StoredEvent | undefined> {
    return this.#read(() => {
      if (!Number.isSafeInteger(id)) return undefined;
      const row = this.#file.get(id);
      return row === undefined ? undefined : toStoredEvent(row);
    });
  }

  /** The newest `limit` `file` events, of `room` or of every room, oldest first. */
  files(options: { room?: string; limit: number }): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      const rows = options.room === undefined
        ? this.#filesInAllRooms.all(options.limit)
        : this.#filesInRoom.all(options.room, options.limit);
      return rows.map(toStoredEvent);
    });
  }

  /** Commits pending appends, then closes the database. Calling it again does nothing. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#flush();
    this.#closed = true;
    return settle(() => this.#db.close());
  }

  /** Runs a query after committing pending appends, so a read sees every earlier append. */
  #read<T>(query: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(closedError());
    return settle(() => {
      this.#flush();
      return query();
    });
  }

  #flush(): void {
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    let results: AppendResult[];
    try {
      results = this.#commit(batch.map((pending) => pending.event));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    // Resolving in queue order makes callers observe results in id order.
    batch.forEach((pending, index) => pending.resolve(results[index]));
  }

  #commit(events: NewEvent[]): AppendResult[] {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const results = events.map((event) => this.#insertOne(event));
      this.#db.exec("COMMIT");
      return results;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  #insertOne(event: NewEvent): AppendResult {
    // Looked up inside the transaction, so a duplicate earlier in the same batch is found too.
    if (event.clientId !== undefined) {
      const row = this.#findByClientId.get(event.clientId);
      if (row !== undefined) return { event: toStoredEvent(row), created: false };
    }
    const { lastInsertRowid } = this.#insert.run(
      event.ts,
      event.room,
      event.type,
      event.from,
      event.to ?? null,
      event.text,
      event.event ?? null,
      event.nick ?? null,
      event.clientId ?? null,
      event.file?.name ?? null,
      event.file?.size ?? null,
      event.file?.sha256 ?? null,
      event.file?.blob ?? null,
      event.type === "private" ? nickKey(event.from) : null,
      event.type === "private" && event.to !== undefined ? nickKey(event.to) : null,
    );
    return { event: copyEvent(event, Number(lastInsertRowid)), created: true };
  }
}

function closedError(): Error {
  return new Error("The history store is closed");
}

function toStoredEvent(row: Record<string, unknown>): StoredEvent {
  const event: StoredEvent = {
    id: Number(row.id),
    type: String(row.type) as EventType,
    room: readText(row.room),
    from: readText(row.sender),
    text: readText(row.text),
    ts: Number(row.ts),
  };
  if (row.recipient !== null) event.to = readText(row.recipient);
  if (row.event !== null) event.event = String(row.event) as NoticeEvent;
  if (row.nick !== null) event.nick = readText(row.nick);
  if (row.client_id !== null) event.clientId = readText(row.client_id);
  if (row.file_name !== null) {
    event.file = {
      name: readText(row.file_name),
      size: Number(row.file_size),
      sha256: String(row.file_sha256),
      blob: String(row.file_blob),
    };
  }
  return event;
}
