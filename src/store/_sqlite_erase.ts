/**
 * Deleting for good from the chat database. Every connection runs with `secure_delete` on (set
 * where it is opened, in `_sqlite_schema.ts`), so a deleted row's bytes are overwritten with
 * zeros in its page rather than left in free space; but in WAL mode the pages as they were before
 * (the text included) are still in the `-wal` file until a checkpoint copies the new ones into the
 * database and the file is truncated. {@linkcode eraseDeleted} does that, after each deletion.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/**
 * Moves every committed page into the database file and truncates the `-wal` file to nothing.
 * The checkpoint waits (the busy timeout) for readers of older snapshots, such as a `chat export`
 * of the data dir; returns false when one still held it back, and the old pages then stay in the
 * `-wal` file until the next deletion. (The file does not shrink: `VACUUM` needs an attached
 * database, which the `node:sqlite` binding does not allow; the zeroed pages are used again.)
 */
export function eraseDeleted(db: DatabaseSync): boolean {
  const result = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get();
  return result === undefined || Number(result.busy) === 0;
}

/** Runs `work` in one write transaction. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}
