import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { ReadMarkerStore } from "../chat/read_marker_store.ts";
import { openChatDatabase, readText } from "./_sqlite_schema.ts";
import { settle } from "./_settle.ts";
import { assertMarkerId } from "./_read_markers.ts";
import { eraseDeleted } from "./_sqlite_erase.ts";

/**
 * A durable {@linkcode ReadMarkerStore}: the `read_markers` table of the chat database
 * (`chat.db`), on a connection of its own. Each `mark` is one upsert, committed before it
 * resolves.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SqliteReadMarkerStore } from "./sqlite_read_marker_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = SqliteReadMarkerStore.open(`${dir}/chat.db`);
 * await store.mark("owner-1", "#lobby", 7);
 * assertEquals(await store.markers("owner-1"), new Map([["#lobby", 7]]));
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteReadMarkerStore implements ReadMarkerStore {
  readonly #db: DatabaseSync;
  readonly #upsert: StatementSync;
  readonly #list: StatementSync;
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#upsert = db.prepare(
      `INSERT INTO read_markers (owner, place, id) VALUES (?, ?, ?)
       ON CONFLICT (owner, place) DO UPDATE SET id = MAX(id, excluded.id)
       RETURNING id`,
    );
    this.#list = db.prepare(
      "SELECT CAST(place AS BLOB) AS place, id FROM read_markers WHERE owner = ?",
    );
  }

  /**
   * Opens the read markers of the chat database at `path`, creating or upgrading the file.
   *
   * @throws {StoreVersionError} when the file was written by a newer chat.
   */
  static open(path: string): SqliteReadMarkerStore {
    return new SqliteReadMarkerStore(openChatDatabase(path));
  }

  /** Moves the marker up to `id`; resolves with the marker as it is now. */
  mark(owner: string, place: string, id: number): Promise<number> {
    return this.#run(() => {
      assertMarkerId(id);
      return Number(this.#upsert.get(owner, place, id)?.id ?? id);
    });
  }

  /** Every marker of `owner`. */
  markers(owner: string): Promise<Map<string, number>> {
    return this.#run(() =>
      new Map(this.#list.all(owner).map((row) => [readText(row.place), Number(row.id)]))
    );
  }

  /** Deletes every marker, for good (see `_sqlite_erase.ts`). */
  wipe(): Promise<void> {
    return this.#run(() => {
      this.#db.exec("DELETE FROM read_markers");
      eraseDeleted(this.#db);
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return settle(() => this.#db.close());
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The read marker store is closed"));
    return settle(work);
  }
}
