import { DatabaseSync } from "node:sqlite";
import { nickKey } from "../protocol/names.ts";
import { StoreVersionError } from "./store_version_error.ts";
import { createSearchIndex } from "./_sqlite_search.ts";

/**
 * The one SQLite file of a server's data dir (`chat.db`): its schema, its storage version and the
 * upgrades between versions, in one place for every store that keeps its rows there (history,
 * sessions), so the file has one version and one upgrade path whatever reads it.
 *
 * @module
 */

/** The storage version this code writes. Append-only: a change of schema adds a migration. */
const STORAGE_VERSION = 9;

/**
 * The schema of storage version 1, never edited. A new file is created at version 1 and then
 * upgraded by {@linkcode MIGRATIONS} like any old file, so every file takes the same path.
 */
const SCHEMA_V1 = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    room TEXT NOT NULL,
    type TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT,
    text TEXT NOT NULL,
    event TEXT,
    nick TEXT,
    client_id TEXT UNIQUE
  );
  CREATE INDEX events_room_id ON events (room, id);
  INSERT INTO meta (key, value) VALUES ('schema_version', '1');
`;

/** How many rows the version 3 upgrade reads at a time while it fills in the nick keys. */
const BACKFILL_BATCH = 1000;

/**
 * What upgrades storage version `n` to `n + 1`, keyed by `n`: SQL, or a function for what SQL
 * cannot compute. Append-only, never edited: a user's file may be at any older version.
 */
const MIGRATIONS: Readonly<Record<number, string | ((db: DatabaseSync) => void)>> = {
  // Version 2: shared files. The file columns are set on `file` events only; the indexes serve
  // the file listing of one room and of all rooms (an index on `type` also holds the id).
  1: `
    ALTER TABLE events ADD COLUMN file_name TEXT;
    ALTER TABLE events ADD COLUMN file_size INTEGER;
    ALTER TABLE events ADD COLUMN file_sha256 TEXT;
    ALTER TABLE events ADD COLUMN file_blob TEXT;
    CREATE INDEX events_type_room_id ON events (type, room, id);
    CREATE INDEX events_type_id ON events (type, id);
  `,
  // Version 3: catch-up of private messages. `sender_key` and `recipient_key` hold `nickKey()`
  // of the sender and recipient, on `private` events only (NULL on every other row), so a
  // user's private messages are found case-insensitively through an index. SQL has no NFKC,
  // so the keys of the private events already stored are computed here, in batches by id.
  2: (db) => {
    db.exec(`
      ALTER TABLE events ADD COLUMN sender_key TEXT;
      ALTER TABLE events ADD COLUMN recipient_key TEXT;
      CREATE INDEX events_private_sender_key_id ON events (sender_key, id)
        WHERE type = 'private';
      CREATE INDEX events_private_recipient_key_id ON events (recipient_key, id)
        WHERE type = 'private';
    `);
    const select = db.prepare(
      `SELECT id, CAST(sender AS BLOB) AS sender, CAST(recipient AS BLOB) AS recipient
       FROM events WHERE type = 'private' AND id > ? ORDER BY id LIMIT ?`,
    );
    const update = db.prepare("UPDATE events SET sender_key = ?, recipient_key = ? WHERE id = ?");
    let after = 0;
    for (;;) {
      const rows = select.all(after, BACKFILL_BATCH);
      for (const row of rows) {
        const recipient = row.recipient === null ? null : nickKey(readText(row.recipient));
        update.run(nickKey(readText(row.sender)), recipient, Number(row.id));
      }
      if (rows.length < BACKFILL_BATCH) break;
      after = Number(rows[rows.length - 1].id);
    }
  },
  // Version 4: login sessions, so that a resume token outlives a restart of the server. A token
  // is kept only as its SHA-256; `expires` is NULL while a connection holds the session.
  3: `
    CREATE TABLE sessions (
      token_hash TEXT PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      nick TEXT NOT NULL,
      nick_key TEXT NOT NULL,
      owner TEXT NOT NULL,
      since INTEGER NOT NULL,
      expires INTEGER
    );
    CREATE INDEX sessions_nick_key ON sessions (nick_key);
  `,
  // Version 5: devices that stay signed in, nicks that belong to someone, invites and link
  // codes. Secrets and tokens are kept only as their SHA-256.
  4: `
    CREATE TABLE devices (
      id TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      secret_hash TEXT NOT NULL,
      passkey_tag TEXT NOT NULL,
      name TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen INTEGER NOT NULL
    );
    CREATE INDEX devices_owner ON devices (owner, created_at);
    CREATE TABLE nicks (
      nick_key TEXT PRIMARY KEY,
      nick TEXT NOT NULL,
      owner TEXT NOT NULL,
      since INTEGER NOT NULL
    );
    CREATE INDEX nicks_owner ON nicks (owner);
    CREATE TABLE invites (
      token_hash TEXT PRIMARY KEY,
      passkey_tag TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires INTEGER NOT NULL
    );
    CREATE TABLE link_codes (
      code_hash TEXT PRIMARY KEY,
      owner TEXT NOT NULL,
      expires INTEGER NOT NULL
    );
  `,
  // Version 6: following conversations. Files shared with one person carry the nick keys too,
  // so the private indexes now cover every event with a recipient (private messages already
  // have their keys); a third one finds a conversation between two people. Read markers: the
  // newest event each person has read in each place (`#room` or `@nickkey`).
  5: `
    DROP INDEX events_private_sender_key_id;
    DROP INDEX events_private_recipient_key_id;
    CREATE INDEX events_direct_sender ON events (sender_key, id)
      WHERE recipient_key IS NOT NULL;
    CREATE INDEX events_direct_recipient ON events (recipient_key, id)
      WHERE recipient_key IS NOT NULL;
    CREATE INDEX events_direct_pair ON events (recipient_key, sender_key, id)
      WHERE recipient_key IS NOT NULL;
    CREATE TABLE read_markers (
      owner TEXT NOT NULL,
      place TEXT NOT NULL,
      id INTEGER NOT NULL,
      PRIMARY KEY (owner, place)
    ) WITHOUT ROWID;
  `,
  // Version 7: host controls. Their notices keep who acted, why and until when (JSON in
  // `control`). Operators by nick key; bans of an owner or an address (`until`
  // NULL: no end); mutes by owner; each room's settings (the passkey as its SHA-256); the audit
  // log of operator actions.
  6: `
    ALTER TABLE events ADD COLUMN control TEXT;
    CREATE TABLE operators (nick_key TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE bans (
      nick TEXT,
      owner TEXT UNIQUE,
      address TEXT UNIQUE,
      by_nick TEXT NOT NULL,
      at INTEGER NOT NULL,
      until INTEGER,
      reason TEXT
    );
    CREATE TABLE mutes (
      owner TEXT PRIMARY KEY,
      nick TEXT NOT NULL,
      by_nick TEXT NOT NULL,
      at INTEGER NOT NULL,
      until INTEGER,
      reason TEXT
    );
    CREATE TABLE room_settings (room TEXT PRIMARY KEY, settings TEXT NOT NULL);
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      by_nick TEXT NOT NULL,
      action TEXT NOT NULL,
      nick TEXT,
      room TEXT,
      reason TEXT,
      until INTEGER,
      detail TEXT
    );
  `,
  // Version 8: replies, reactions, edits and deletes (PROTOCOL.md section 3.6). A message keeps
  // only its current text (`edited`, `deleted` say what happened to it); `edit`, `delete` and
  // `reaction` events name it in `ref`; a reply names its original in `reply_to`. Who reacted
  // with what is kept per message, in the order given (`seq`: the reaction event's id).
  7: `
    ALTER TABLE events ADD COLUMN ref INTEGER;
    ALTER TABLE events ADD COLUMN reply_to INTEGER;
    ALTER TABLE events ADD COLUMN emoji TEXT;
    ALTER TABLE events ADD COLUMN flags INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX events_ref ON events (ref) WHERE ref IS NOT NULL;
    CREATE TABLE reactions (
      event_id INTEGER NOT NULL,
      emoji TEXT NOT NULL,
      nick_key TEXT NOT NULL,
      nick TEXT NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY (event_id, emoji, nick_key)
    ) WITHOUT ROWID;
  `,
  // Version 9: full-text search (section 3.6), an FTS5 index of the messages, actions, files and
  // private messages, the ones already stored included (`_sqlite_search.ts`), and the mark of
  // what is indexed (`search_through` in `meta`).
  8: (db) => {
    createSearchIndex(db);
    // What is indexed: everything stored so far (`_search_indexer.ts`).
    db.exec(
      `INSERT OR REPLACE INTO meta (key, value)
       VALUES ('search_through', (SELECT CAST(COALESCE(MAX(id), 0) AS TEXT) FROM events))`,
    );
  },
};

/** SQLite's result code for a file that is not a database. */
const SQLITE_NOTADB = 26;

const decoder = new TextDecoder();

/**
 * Opens the chat database at `path`, creating the file and its schema when missing and upgrading
 * an older one. Each store opens its own connection; they run on one thread, so their
 * transactions never overlap.
 *
 * @throws {StoreVersionError} when the file was written by a newer chat.
 * @throws {Error} when the file is not a chat database or cannot be opened.
 */
export function openChatDatabase(path: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw explainOpenError(path, error);
  }
  try {
    configure(db);
    prepareSchema(db, path);
    return db;
  } catch (error) {
    db.close();
    throw explainOpenError(path, error);
  }
}

/**
 * Opens the chat database at `path` for reading only, beside a server that may be writing it
 * (WAL lets a reader see a consistent snapshot while the server goes on): nothing is created,
 * upgraded or written.
 *
 * @throws {Error} when the file is missing, is not a chat database, or has another storage
 * version than this code's (a sentence that says what to do).
 */
export function openChatDatabaseReadOnly(path: string): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true });
  } catch (error) {
    throw explainOpenError(path, error);
  }
  try {
    db.prepare("PRAGMA busy_timeout = 5000").get();
    const version = readStorageVersion(db, path);
    if (version === undefined) throw new Error(`The file ${path} holds no chat history.`);
    if (version !== STORAGE_VERSION) {
      throw new Error(
        `The file ${path} is at storage version ${version}, and this chat reads version ` +
          `${STORAGE_VERSION}; run the chat that serves it, or start this one's server on it once.`,
      );
    }
    return db;
  } catch (error) {
    db.close();
    throw explainOpenError(path, error);
  }
}

/**
 * Decodes a free-text column read as a BLOB: the `node:sqlite` binding cuts TEXT values at the
 * first NUL character, and NUL is allowed in chat text.
 */
export function readText(value: unknown): string {
  return value instanceof Uint8Array ? decoder.decode(value) : String(value);
}

function configure(db: DatabaseSync): void {
  // Set first, so that a second process opening the file waits instead of failing.
  db.prepare("PRAGMA busy_timeout = 5000").get();
  db.prepare("PRAGMA journal_mode = WAL").get();
  // In WAL mode, NORMAL writes every commit to the WAL file before COMMIT returns, so a
  // committed append survives a crash or SIGKILL of this process; only a power loss or OS crash
  // can lose the last commits before a checkpoint. FULL would fsync on every commit for that.
  db.prepare("PRAGMA synchronous = NORMAL").get();
  // What is deleted (retention, a wipe) is overwritten with zeros, not left in free space where
  // the file's bytes would still hold it; see _sqlite_erase.ts.
  db.prepare("PRAGMA secure_delete = ON").get();
}

/** Creates the schema of a new file, or checks and upgrades the version of an existing one. */
function prepareSchema(db: DatabaseSync, path: string): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    const version = readStorageVersion(db, path);
    if (version === undefined) {
      db.exec(SCHEMA_V1);
      migrate(db, 1);
    } else if (version > STORAGE_VERSION) {
      throw new StoreVersionError({ path, version, supportedVersion: STORAGE_VERSION });
    } else if (version < STORAGE_VERSION) {
      migrate(db, version);
    }
    db.exec("COMMIT");
  } catch (error) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw error;
  }
}

/** The file's storage version, or `undefined` for an empty database. */
function readStorageVersion(db: DatabaseSync, path: string): number | undefined {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  if (tables.length === 0) return undefined;
  if (!tables.some((table) => table.name === "meta")) {
    throw new Error(
      `The file ${path} is a SQLite database of another program; move it away or use another --data-dir.`,
    );
  }
  const value = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()?.value;
  const version = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || version < 1) {
    throw new Error(
      `The file ${path} has no valid storage version; move it away or use another --data-dir.`,
    );
  }
  return version;
}

/**
 * Upgrades an older store to {@linkcode STORAGE_VERSION} one version at a time. It runs inside
 * the opening transaction, so a failed upgrade leaves the file as it was.
 */
function migrate(db: DatabaseSync, from: number): void {
  for (let version = from; version < STORAGE_VERSION; version++) {
    const step = MIGRATIONS[version];
    if (step === undefined) throw new Error(`No upgrade from storage version ${version} exists`);
    if (typeof step === "string") db.exec(step);
    else step(db);
  }
  db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(
    String(STORAGE_VERSION),
  );
}

/** Turns an SQLite error met while opening into a sentence that names the file. */
function explainOpenError(path: string, error: unknown): unknown {
  if (!(error instanceof Error) || !("code" in error) || error.code !== "ERR_SQLITE_ERROR") {
    return error;
  }
  const message = "errcode" in error && error.errcode === SQLITE_NOTADB
    ? `The file ${path} is not a SQLite database; move it away or use another --data-dir.`
    : `Could not open the database ${path} (${error.message}); check that its folder exists ` +
      `and is writable, or use another --data-dir.`;
  return new Error(message, { cause: error });
}
