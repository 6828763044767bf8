/**
 * Keeps the SQLite history store's search index (`_sqlite_search.ts`) up to date in batches.
 *
 * Indexing each message in the transaction that stores it cost the fan-out benchmark 30 % more
 * server CPU per delivery at 200 messages a second (bench/RESULTS.md): FTS5 writes a new segment
 * for every commit, and a busy room commits every few milliseconds. So stored messages wait here
 * for up to {@linkcode INDEX_DELAY_MS} and are indexed together, one segment for all of them.
 * Nothing ever sees the index behind: a search, an edit, a delete and a retention pass index
 * what waits first, in their own transaction. The highest id indexed is kept in `meta`
 * (`search_through`), so what was waiting when the process died is indexed at the next start.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { clearTimeout, setTimeout } from "node:timers";
import { indexEvent, SEARCHABLE_TYPES } from "./_sqlite_search.ts";
import { inTransaction } from "./_sqlite_erase.ts";
import { readText } from "./_sqlite_schema.ts";

/** How long a stored message may wait to be indexed when nothing asks for the index sooner. */
export const INDEX_DELAY_MS = 1000;
/** How many stored messages the catch-up at the start reads at a time. */
const CATCH_UP_BATCH = 1000;

/** What the index needs of a message. */
export interface IndexedEvent {
  id: number;
  type: string;
  text: string;
  file?: { name: string };
}

/**
 * The messages stored but not yet indexed, and the index's mark in `meta`.
 *
 * @example
 * ```ts ignore
 * const indexer = new SearchIndexer(db);
 * indexer.catchUp(); // what was stored after the mark, before the last stop
 * indexer.add({ id: 7, type: "message", text: "hello" }); // indexed within a second
 * indexer.indexWaiting(); // inside a transaction that needs the index current
 * ```
 */
export class SearchIndexer {
  readonly #db: DatabaseSync;
  readonly #mark: StatementSync;
  #waiting: IndexedEvent[] = [];
  /** What waited when the caller's transaction began: what waits again if it rolls back. */
  #before: IndexedEvent[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#mark = db.prepare(
      "INSERT OR REPLACE INTO meta (key, value) VALUES ('search_through', ?)",
    );
  }

  /** Indexes the messages stored above the mark: those waiting when the process stopped. */
  catchUp(): void {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'search_through'").get();
    let after = Number(row?.value ?? 0);
    const select = this.#db.prepare(
      `SELECT id, type, CAST(text AS BLOB) AS text, CAST(file_name AS BLOB) AS file_name
       FROM events WHERE id > ? AND type IN ('message', 'action', 'private', 'file')
         AND flags & 2 = 0
       ORDER BY id LIMIT ?`,
    );
    for (;;) {
      const rows = select.all(after, CATCH_UP_BATCH);
      if (rows.length === 0) return;
      this.#waiting = rows.map((row) => ({
        id: Number(row.id),
        type: String(row.type),
        text: readText(row.text),
        ...(row.file_name === null ? {} : { file: { name: readText(row.file_name) } }),
      }));
      this.flush();
      after = Number(rows[rows.length - 1].id);
    }
  }

  /**
   * Marks the start of the caller's transaction, in which messages are added and what waits may
   * be indexed: {@linkcode rollback} undoes both if the transaction does not commit.
   */
  begin(): void {
    this.#before = [...this.#waiting];
  }

  /** The caller's transaction committed. */
  commit(): void {
    this.#before = undefined;
  }

  /** The caller's transaction rolled back: its messages are not stored, nor its index writes. */
  rollback(): void {
    if (this.#before !== undefined) this.#waiting = this.#before;
    this.#before = undefined;
  }

  /** Queues a message just stored; it is indexed within {@linkcode INDEX_DELAY_MS}. */
  add(event: IndexedEvent): void {
    if (!SEARCHABLE_TYPES.includes(event.type)) return;
    this.#waiting.push({ id: event.id, type: event.type, text: event.text, file: event.file });
    this.#timer ??= setTimeout(() => this.#flushLater(), INDEX_DELAY_MS).unref();
  }

  /** Indexes what waits, inside the caller's transaction. */
  indexWaiting(): void {
    if (this.#waiting.length === 0) return;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const event of waiting) indexEvent(this.#db, event);
    this.#mark.run(String(waiting[waiting.length - 1].id));
  }

  /** Indexes what waits, in a transaction of its own. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#waiting.length === 0) return;
    this.begin();
    try {
      inTransaction(this.#db, () => this.indexWaiting());
      this.commit();
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  /** {@linkcode flush} from the timer: a failure (a full disk) is tried again later, not thrown. */
  #flushLater(): void {
    this.#timer = undefined;
    try {
      this.flush();
    } catch {
      if (this.#waiting.length > 0) {
        this.#timer = setTimeout(() => this.#flushLater(), INDEX_DELAY_MS).unref();
      }
    }
  }

  /** Forgets what waits: every message was deleted. */
  clear(): void {
    this.#waiting = [];
  }
}
