import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { LoginSession, SessionStore } from "../chat/session_store.ts";
import { nickKey } from "../protocol/names.ts";
import { openChatDatabase, readText } from "./_sqlite_schema.ts";
import { settle } from "./_settle.ts";
import { eraseDeleted } from "./_sqlite_erase.ts";

const COLUMNS = "id, CAST(nick AS BLOB) AS nick, owner, since, expires";

/**
 * A durable {@linkcode SessionStore}: the `sessions` table of the chat database (`chat.db`), on a
 * connection of its own. Every change is committed before its promise resolves, so a session
 * created before `welcome` is there after a crash.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SqliteSessionStore } from "./sqlite_session_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = SqliteSessionStore.open(`${dir}/chat.db`);
 * const session = { id: "s1", nick: "ada", owner: "o1", since: 0, expires: null };
 * await store.create("hash-of-token", session);
 * assertEquals(await store.find("hash-of-token", Date.now()), session);
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteSessionStore implements SessionStore {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #find: StatementSync;
  readonly #findDropped: StatementSync;
  readonly #setNick: StatementSync;
  readonly #setExpires: StatementSync;
  readonly #releaseAll: StatementSync;
  readonly #sweep: StatementSync;
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO sessions (token_hash, id, nick, nick_key, owner, since, expires)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#find = db.prepare(
      `SELECT ${COLUMNS} FROM sessions WHERE token_hash = ? AND (expires IS NULL OR expires >= ?)`,
    );
    this.#findDropped = db.prepare(
      `SELECT ${COLUMNS} FROM sessions WHERE nick_key = ? AND expires IS NOT NULL AND expires >= ?
       ORDER BY since DESC LIMIT 1`,
    );
    this.#setNick = db.prepare("UPDATE sessions SET nick = ?, nick_key = ? WHERE id = ?");
    this.#setExpires = db.prepare("UPDATE sessions SET expires = ? WHERE id = ?");
    this.#releaseAll = db.prepare("UPDATE sessions SET expires = ? WHERE expires IS NULL");
    this.#sweep = db.prepare("DELETE FROM sessions WHERE expires IS NOT NULL AND expires < ?");
  }

  /**
   * Opens the sessions of the chat database at `path`, creating or upgrading the file.
   *
   * @throws {StoreVersionError} when the file was written by a newer chat.
   */
  static open(path: string): SqliteSessionStore {
    return new SqliteSessionStore(openChatDatabase(path));
  }

  create(tokenHash: string, session: LoginSession): Promise<void> {
    return this.#run(() => {
      this.#insert.run(
        tokenHash,
        session.id,
        session.nick,
        nickKey(session.nick),
        session.owner,
        session.since,
        session.expires,
      );
    });
  }

  find(tokenHash: string, now: number): Promise<LoginSession | undefined> {
    return this.#run(() => toSession(this.#find.get(tokenHash, now)));
  }

  findDropped(nick: string, now: number): Promise<LoginSession | undefined> {
    return this.#run(() => toSession(this.#findDropped.get(nickKey(nick), now)));
  }

  update(id: string, changes: { nick?: string; expires?: number | null }): Promise<void> {
    return this.#run(() => {
      if (changes.nick !== undefined) this.#setNick.run(changes.nick, nickKey(changes.nick), id);
      if (changes.expires !== undefined) this.#setExpires.run(changes.expires, id);
    });
  }

  releaseAll(expires: number): Promise<void> {
    return this.#run(() => {
      this.#releaseAll.run(expires);
    });
  }

  sweep(now: number): Promise<number> {
    return this.#run(() => Number(this.#sweep.run(now).changes));
  }

  /** Forgets every session, for good (see `_sqlite_erase.ts`). */
  wipe(): Promise<void> {
    return this.#run(() => {
      this.#db.exec("DELETE FROM sessions");
      eraseDeleted(this.#db);
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return settle(() => this.#db.close());
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The session store is closed"));
    return settle(work);
  }
}

function toSession(row: Record<string, unknown> | undefined): LoginSession | undefined {
  if (row === undefined) return undefined;
  return {
    id: String(row.id),
    nick: readText(row.nick),
    owner: String(row.owner),
    since: Number(row.since),
    expires: row.expires === null ? null : Number(row.expires),
  };
}
