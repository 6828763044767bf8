/**
 * The full-text index of the chat database (PROTOCOL.md section 3.6): an FTS5 table in `chat.db`
 * beside `events`, keyed by event id, for the SQLite history store.
 *
 * Why it has this shape:
 *
 * - **Tokens from `search_terms.ts`.** The index stores the tokens `searchTokens()` makes of a
 *   text (folded, Chinese, Japanese and Korean runs as overlapping pairs), joined by spaces, and a
 *   query is built only from the tokens `parseSearchTerms()` made, each term quoted as an FTS5
 *   string. So the memory store matches exactly what this one finds, and nothing a person types
 *   is ever FTS5 syntax. The `unicode61` tokenizer only splits at those spaces (`M*` among its
 *   token categories, so a Devanagari vowel sign does not split a word).
 * - **Contentless, with `secure-delete`.** The text is already in `events`; keeping a copy in the
 *   index (a regular FTS5 table) would double it. A contentless table forgets a row only when
 *   told its old text (the FTS5 `delete` command), so {@linkcode unindexEvent} reads it from
 *   `events` before the row changes. With FTS5's `secure-delete` and the connection's
 *   `PRAGMA secure_delete`, the old tokens are overwritten in the file, not only marked deleted
 *   (a `contentless_delete=1` table keeps them, as tombstoned entries, until a merge: checked).
 * - **Pairs, not trigrams, for CJK.** Measured by `bench/search.ts` (bench/RESULTS.md) over
 *   1,000,000 messages, one in ten Chinese or Japanese, without prefix indexes: this index took
 *   55 bytes a message on disk, a trigram-tokenized table of the same texts 229 (every text,
 *   Latin too, becomes trigrams). A three-character CJK search takes 0.3–0.4 ms at the median
 *   here, 0.11–0.17 with trigrams, both finding the same messages; a two-character word like
 *   `中国` (most Chinese words) is found here in 0.4 ms and never by trigrams.
 * - **Prefix indexes of 2 and 3 characters.** A search may hold 8 prefixes of 2 letters
 *   (`search_terms.ts`), each of which, without them, walks every word it starts: 117 ms at the
 *   median for 8 of them over 1,000,000 messages, with the server's one thread waiting. With
 *   them, 16 ms; the index takes 133 bytes a message instead of 55, and 9.9 µs a message to
 *   fill instead of 7.1.
 * - **Newest first, straight from the index.** FTS5 walks a term's rows in descending id order,
 *   so a query joins each candidate to its `events` row (by primary key), keeps what the person
 *   may see and stops after `limit + 1` rows. The rooms they may see arrive as one JSON array
 *   (`json_each`), however many there are.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { type SearchTerms, searchTokens } from "../chat/search_terms.ts";
import { nickKey } from "../protocol/names.ts";
import { readText } from "./_sqlite_schema.ts";

/** The event types that are searched; a `file` by its name and its text. */
export const SEARCHABLE_TYPES: readonly string[] = ["message", "action", "private", "file"];

/**
 * The index's schema, for the upgrade to the storage version that has it (with
 * {@linkcode createSearchIndex}, which also indexes the events already stored).
 */
export const SEARCH_SCHEMA_SQL = `
  CREATE VIRTUAL TABLE event_search USING fts5(
    body,
    content = '',
    columnsize = 0,
    prefix = '2 3',
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
  );
  INSERT INTO event_search (event_search, rank) VALUES ('secure-delete', 1);
`;

/**
 * How many of the newest matches of the words one search looks through for those the person may
 * see: a bound on the work of a search whose words are common in rooms the person is not in (the
 * server's one thread waits for it). Matches older than those are not looked at: more words, or
 * `before`, narrow the search.
 */
export const SEARCH_SCAN = 20_000;

/** How many events the upgrade reads at a time while it indexes those already stored. */
const BACKFILL_BATCH = 1000;

/** What {@linkcode searchIds} may look through, and how the person narrowed it. */
export interface SearchFilter {
  /** The rooms the person may see (normalised names); a room not listed never matches. */
  rooms: readonly string[];
  /** The person's `nickKey()`: their own private conversations are searched. */
  privateKey: string;
  /** Only this room (which must also be in `rooms`); private events are left out. */
  room?: string;
  /** Only the private conversation with the person of this `nickKey()` (with `room`: nothing). */
  withKey?: string;
  /** Only events whose sender's `nickKey()` is this. */
  fromKey?: string;
  /** Only events with an id below this one: the next page. */
  before?: number;
  /** Only private events above this id: where the person's hold of their nick starts. */
  privatesAfter?: number;
  /** At most this many ids. */
  limit: number;
}

/** A page of matches from {@linkcode searchIds}. */
export interface SearchPage {
  /** Matching event ids, newest first. */
  ids: number[];
  /** True when older matches exist beyond this page. */
  more: boolean;
}

interface Statements {
  insert: StatementSync;
  remove: StatementSync;
  row: StatementSync;
  queries: Map<string, StatementSync>;
}

const statements = new WeakMap<DatabaseSync, Statements>();

/**
 * Creates the index and indexes every searchable event already stored, in batches by id: the
 * upgrade of an existing file (run inside its transaction).
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { createSearchIndex } from "./_sqlite_search.ts";
 *
 * const db = new DatabaseSync(":memory:");
 * db.exec("CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT, text TEXT, file_name TEXT)");
 * createSearchIndex(db);
 * ```
 */
export function createSearchIndex(db: DatabaseSync): void {
  db.exec(SEARCH_SCHEMA_SQL);
  const select = db.prepare(
    `SELECT id, type, CAST(text AS BLOB) AS text, CAST(file_name AS BLOB) AS file_name
     FROM events WHERE id > ? AND type IN ('message', 'action', 'private', 'file')
     ORDER BY id LIMIT ?`,
  );
  let after = 0;
  for (;;) {
    const rows = select.all(after, BACKFILL_BATCH);
    for (const row of rows) indexText(db, Number(row.id), rowText(row));
    if (rows.length < BACKFILL_BATCH) break;
    after = Number(rows[rows.length - 1].id);
  }
}

/**
 * The text an event is searched by: its text, and a file's name before it.
 *
 * @example
 * ```ts
 * import { searchableText } from "./_sqlite_search.ts";
 *
 * searchableText({ type: "file", text: "", file: { name: "plan.pdf" } }); // "plan.pdf "
 * searchableText({ type: "notice", text: "ada joined" }); // undefined
 * ```
 */
export function searchableText(
  event: { type: string; text: string; file?: { name: string } },
): string | undefined {
  if (!SEARCHABLE_TYPES.includes(event.type)) return undefined;
  return event.file === undefined ? event.text : `${event.file.name} ${event.text}`;
}

/**
 * Indexes an event just stored (or stored again with a new text), if its type is searched. Call
 * it in the transaction that writes the row.
 *
 * @example
 * ```ts ignore
 * indexEvent(db, { id: 7, type: "message", text: "hello" });
 * ```
 */
export function indexEvent(
  db: DatabaseSync,
  event: { id: number; type: string; text: string; file?: { name: string } },
): void {
  const text = searchableText(event);
  if (text !== undefined) indexText(db, event.id, text);
}

/**
 * Forgets the words of event `id`, reading the text they were indexed from in `events`: call it
 * before the row's text changes or the row is deleted, in the same transaction. Does nothing for
 * an event that is not stored or not searched.
 *
 * @example
 * ```ts ignore
 * unindexEvent(db, 7); // then UPDATE events SET text = … WHERE id = 7; indexEvent(db, …)
 * ```
 */
export function unindexEvent(db: DatabaseSync, id: number): void {
  const row = prepared(db).row.get(id);
  if (row !== undefined && SEARCHABLE_TYPES.includes(String(row.type))) {
    unindexText(db, id, rowText(row));
  }
}

/**
 * Forgets the words of every searched event with `ts` below `ts`: call it before deleting them.
 *
 * @example
 * ```ts ignore
 * unindexEventsBefore(db, cutoff); // then DELETE FROM events WHERE ts < cutoff
 * ```
 */
export function unindexEventsBefore(db: DatabaseSync, ts: number): void {
  const rows = db.prepare(
    `SELECT id, type, CAST(text AS BLOB) AS text, CAST(file_name AS BLOB) AS file_name
     FROM events WHERE ts < ? AND type IN ('message', 'action', 'private', 'file')`,
  ).iterate(ts);
  for (const row of rows) unindexText(db, Number(row.id), rowText(row));
}

/**
 * Empties the index: call it when every event is deleted.
 *
 * @example
 * ```ts ignore
 * clearSearchIndex(db); // then DELETE FROM events
 * ```
 */
export function clearSearchIndex(db: DatabaseSync): void {
  db.exec("INSERT INTO event_search (event_search) VALUES ('delete-all')");
}

/**
 * Adds `text` to the index under `id`. Low level: {@linkcode indexEvent} chooses the text.
 *
 * @example
 * ```ts ignore
 * indexText(db, 7, "hello");
 * ```
 */
export function indexText(db: DatabaseSync, id: number, text: string): void {
  prepared(db).insert.run(id, searchTokens(text).join(" "));
}

/**
 * Removes `text` from the index under `id`; it must be the text indexed, or words stay behind.
 * Low level: {@linkcode unindexEvent} reads it from `events`.
 *
 * @example
 * ```ts ignore
 * unindexText(db, 7, "hello");
 * ```
 */
export function unindexText(db: DatabaseSync, id: number, text: string): void {
  prepared(db).remove.run(id, searchTokens(text).join(" "));
}

/**
 * The ids of the events that hold every term and that the person may see, newest first: room
 * messages, actions and files of `rooms`, and the private messages and files they sent or were
 * sent. A private event's room never lets anyone else see it. `fromKey` is compared with
 * `nickKey()` of the sender as stored (the nick as typed), so `ADA` and `ada` are one author.
 *
 * @throws {RangeError} when `limit` is not a positive integer.
 *
 * @example
 * ```ts ignore
 * const { ids, more } = searchIds(db, parseSearchTerms("zebra*"), {
 *   rooms: ["lab"],
 *   privateKey: "ada",
 *   limit: 20,
 * });
 * ```
 */
export function searchIds(db: DatabaseSync, terms: SearchTerms, filter: SearchFilter): SearchPage {
  if (!Number.isInteger(filter.limit) || filter.limit < 1) {
    throw new RangeError(`Search limit ${filter.limit} is not a positive integer`);
  }
  // A room and a conversation at once: no event is in both.
  if (filter.room !== undefined && filter.withKey !== undefined) return { ids: [], more: false };
  const statement = query(db, filter);
  const params: Record<string, string | number> = {
    match: matchExpression(terms),
    before: filter.before ?? Number.MAX_SAFE_INTEGER,
    ...(filter.room === undefined ? { privatesAfter: filter.privatesAfter ?? 0 } : {}),
    limit: filter.limit + 1,
  };
  if (filter.room === undefined) params.me = filter.privateKey;
  if (filter.withKey === undefined) params.rooms = JSON.stringify(filter.rooms);
  if (filter.room !== undefined) params.room = filter.room;
  if (filter.withKey !== undefined) params.with = filter.withKey;
  if (filter.fromKey !== undefined) params.from = filter.fromKey;
  const ids = statement.all(params).map((row) => Number(row.id));
  const more = ids.length > filter.limit;
  return { ids: more ? ids.slice(0, filter.limit) : ids, more };
}

/** Each term as an FTS5 string (its tokens in a row), `*` after a prefix; all of them required. */
function matchExpression(terms: SearchTerms): string {
  return terms.terms.map((term) => {
    const phrase = `"${term.tokens.join(" ").replaceAll('"', '""')}"`;
    return term.prefix ? `${phrase} *` : phrase;
  }).join(" AND ");
}

/**
 * The statement for the filter's shape, built from constant fragments only: room events (of the
 * listed rooms, or one of them) unless narrowed to a conversation; private events of the person
 * unless narrowed to a room; the author when asked.
 */
function query(db: DatabaseSync, filter: SearchFilter): StatementSync {
  const key = [
    filter.room !== undefined,
    filter.withKey !== undefined,
    filter.fromKey !== undefined,
  ]
    .map(Number).join("");
  const cached = prepared(db).queries.get(key);
  if (cached !== undefined) return cached;
  const places: string[] = [];
  if (filter.withKey === undefined) {
    places.push(
      `(e.recipient IS NULL AND e.type IN ('message', 'action', 'file')
        AND e.room IN (SELECT value FROM json_each(:rooms))
        ${filter.room === undefined ? "" : "AND e.room = :room"})`,
    );
  }
  if (filter.room === undefined) {
    places.push(
      filter.withKey === undefined
        ? `(e.recipient_key IS NOT NULL AND e.id > :privatesAfter
            AND (e.sender_key = :me OR e.recipient_key = :me))`
        : `(e.recipient_key IS NOT NULL AND e.id > :privatesAfter
            AND ((e.sender_key = :me AND e.recipient_key = :with)
              OR (e.sender_key = :with AND e.recipient_key = :me)))`,
    );
  }
  if (filter.fromKey !== undefined) registerNickKey(db);
  const statement = db.prepare(
    `SELECT s.id FROM (
       SELECT rowid AS id FROM event_search WHERE event_search MATCH :match AND rowid < :before
       ORDER BY rowid DESC LIMIT ${SEARCH_SCAN}
     ) AS s JOIN events AS e ON e.id = s.id
     WHERE (${places.join(" OR ")})
       ${
      filter.fromKey === undefined
        ? ""
        : "AND coalesce(e.sender_key, chat_nick_key(e.sender)) = :from"
    }
     ORDER BY s.id DESC LIMIT :limit`,
  );
  prepared(db).queries.set(key, statement);
  return statement;
}

const withNickKey = new WeakSet<DatabaseSync>();

/** Gives SQL `chat_nick_key(nick)`: SQLite's own lowercasing knows only ASCII. */
function registerNickKey(db: DatabaseSync): void {
  if (withNickKey.has(db)) return;
  db.function("chat_nick_key", { deterministic: true }, (nick) => nickKey(readText(nick)));
  withNickKey.add(db);
}

function prepared(db: DatabaseSync): Statements {
  let found = statements.get(db);
  if (found === undefined) {
    found = {
      insert: db.prepare("INSERT INTO event_search (rowid, body) VALUES (?, ?)"),
      remove: db.prepare(
        "INSERT INTO event_search (event_search, rowid, body) VALUES ('delete', ?, ?)",
      ),
      row: db.prepare(
        `SELECT type, CAST(text AS BLOB) AS text, CAST(file_name AS BLOB) AS file_name
         FROM events WHERE id = ?`,
      ),
      queries: new Map(),
    };
    statements.set(db, found);
  }
  return found;
}

function rowText(row: Record<string, unknown>): string {
  const text = readText(row.text);
  return row.file_name === null || row.file_name === undefined
    ? text
    : `${readText(row.file_name)} ${text}`;
}
