import type { DatabaseSync, StatementSync } from "node:sqlite";
import { clearImmediate, setImmediate } from "node:timers";
import type {
  AppendResult,
  ConversationOptions,
  ConversationSummary,
  Deleted,
  HistoryStore,
  NewEvent,
  PageOptions,
  PrivatesOptions,
  SearchRequest,
  StoredEvent,
  Tally,
  TallyPlace,
} from "../chat/history_store.ts";
import { MESSAGE_TYPES } from "../chat/history_store.ts";
import {
  clearSearchIndex,
  indexEvent,
  searchIds,
  unindexEvent,
  unindexEventsBefore,
} from "./_sqlite_search.ts";
import { parseSearchTerms } from "../chat/search_terms.ts";
import { SearchIndexer } from "./_search_indexer.ts";
import type { EventType, NoticeEvent } from "../protocol/mod.ts";
import { nickKey } from "../protocol/names.ts";
import { mentions } from "../protocol/mentions.ts";
import { openChatDatabase, openChatDatabaseReadOnly, readText } from "./_sqlite_schema.ts";
import {
  assertAfter,
  assertLimit,
  copyEvent,
  fileTypeProblem,
  leftOutOfPages,
  messageFromEdit,
} from "./_events.ts";
import { quoteOf } from "../protocol/quote.ts";
import { settle } from "./_settle.ts";
import { eraseDeleted, inTransaction } from "./_sqlite_erase.ts";

/**
 * Free-text columns are read as BLOBs and decoded here, because the `node:sqlite` binding cuts
 * TEXT values at the first NUL character, and NUL is allowed in chat text.
 */
const COLUMNS = `id, ts, type, event, CAST(room AS BLOB) AS room, CAST(sender AS BLOB) AS sender,
  CAST(recipient AS BLOB) AS recipient, CAST(text AS BLOB) AS text, CAST(nick AS BLOB) AS nick,
  CAST(client_id AS BLOB) AS client_id, CAST(file_name AS BLOB) AS file_name, file_size,
  file_sha256, file_blob, CAST(control AS BLOB) AS control, ref, reply_to,
  CAST(emoji AS BLOB) AS emoji, flags`;

/** Bits of the `flags` column (storage version 8). */
const EDITED = 1;
const DELETED = 2;
/** On a `reaction` event: it takes the reaction back. */
const REMOVE = 4;

/** Events that change an earlier message, which pages leave out. */
const NOT_CHANGE = "type NOT IN ('edit', 'delete', 'reaction')";

/** Join and leave notices and changes, which pages a person reads leave out. */
const NOT_PRESENCE = `NOT (type = 'notice' AND event IN ('join', 'leave')) AND ${NOT_CHANGE}`;
/** Room events a person reads (`READABLE_TYPES`). */
const READABLE = "type IN ('message', 'action', 'file') AND recipient IS NULL";
/** How many candidate rows a mention search reads at a time. */
const MENTION_BATCH = 500;

/** The statements that apply changes to messages and read them back. */
interface ChangeStatements {
  edit: StatementSync;
  remove: StatementSync;
  dropReactions: StatementSync;
  react: StatementSync;
  unreact: StatementSync;
  reactionsOf: StatementSync;
  originals: StatementSync;
  orphanReactions: StatementSync;
  edits: StatementSync;
  markEdited: StatementSync;
}

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
  #insertWithId: StatementSync;
  #hasId: StatementSync;
  #events: StatementSync;
  #page: StatementSync;
  #pageAfter: StatementSync;
  #privates: StatementSync;
  #pageReading: StatementSync;
  #conversation: StatementSync;
  #conversations: StatementSync;
  #eventById: StatementSync;
  #roomUnread: StatementSync;
  #roomMentionCandidates: StatementSync;
  #roomLast: StatementSync;
  #conversationUnread: StatementSync;
  #conversationLast: StatementSync;
  #mentionCandidates: StatementSync;
  #lastId: StatementSync;
  #count: StatementSync;
  #file: StatementSync;
  #filesInRoom: StatementSync;
  #filesInAllRooms: StatementSync;
  #changes: ChangeStatements;
  #indexer: SearchIndexer;
  #queue: PendingAppend[] = [];
  #timer: ReturnType<typeof setImmediate> | undefined;
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    this.#indexer = new SearchIndexer(db);
    this.#changes = {
      edit: db.prepare(
        `UPDATE events SET text = ?, flags = flags | ${EDITED}
         WHERE id = ? AND flags & ${DELETED} = 0 AND type IN ('message', 'action', 'private')`,
      ),
      remove: db.prepare(
        `UPDATE events SET text = '', flags = ${DELETED} WHERE id = ?`,
      ),
      dropReactions: db.prepare("DELETE FROM reactions WHERE event_id = ?"),
      // Also on a message not (yet) kept: a log that erased it brings it back with its newest
      // edit (#rebuild), after the reactions given before that edit.
      react: db.prepare(
        `INSERT OR IGNORE INTO reactions (event_id, emoji, nick_key, nick, seq)
         SELECT ?1, ?2, ?3, ?4, ?5
         WHERE NOT EXISTS (SELECT 1 FROM events WHERE id = ?1 AND flags & ${DELETED} <> 0)`,
      ),
      markEdited: db.prepare(`UPDATE events SET flags = flags | ${EDITED} WHERE id = ?`),
      unreact: db.prepare(
        "DELETE FROM reactions WHERE event_id = ? AND emoji = ? AND nick_key = ?",
      ),
      reactionsOf: db.prepare(
        `SELECT event_id, CAST(emoji AS BLOB) AS emoji, CAST(nick AS BLOB) AS nick FROM reactions
         WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY seq`,
      ),
      originals: db.prepare(
        `SELECT id, CAST(sender AS BLOB) AS sender, CAST(text AS BLOB) AS text, flags FROM events
         WHERE id IN (SELECT value FROM json_each(?))`,
      ),
      edits: db.prepare("SELECT id FROM events WHERE ref = ? AND type = 'edit' ORDER BY id"),
      orphanReactions: db.prepare(
        "DELETE FROM reactions WHERE NOT EXISTS (SELECT 1 FROM events WHERE id = event_id)",
      ),
    };
    this.#insert = db.prepare(
      `INSERT INTO events (ts, room, type, sender, recipient, text, event, nick, client_id,
         file_name, file_size, file_sha256, file_blob, sender_key, recipient_key, control, ref,
         reply_to, emoji, flags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#findByClientId = db.prepare(`SELECT ${COLUMNS} FROM events WHERE client_id = ?`);
    this.#insertWithId = db.prepare(
      `INSERT INTO events (id, ts, room, type, sender, recipient, text, event, nick, client_id,
         file_name, file_size, file_sha256, file_blob, sender_key, recipient_key, control, ref,
         reply_to, emoji, flags)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#hasId = db.prepare("SELECT 1 FROM events WHERE id = ?");
    this.#events = db.prepare(`SELECT ${COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?`);
    this.#page = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM events WHERE room = ? AND recipient IS NULL AND id < ?
         ORDER BY id DESC LIMIT ?
       ) ORDER BY id`,
    );
    this.#pageReading = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM events WHERE room = ? AND recipient IS NULL AND id < ? AND ${NOT_PRESENCE}
         ORDER BY id DESC LIMIT ?
       ) ORDER BY id`,
    );
    this.#pageAfter = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE room = ? AND recipient IS NULL AND id > ? AND id < ?
       ORDER BY id LIMIT ?`,
    );
    // Each side of the UNION reads at most `limit` rows through its own index; a message a user
    // sent to themself is in both and kept once.
    this.#privates = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE id IN (
         SELECT id FROM (
           SELECT id FROM events WHERE recipient_key IS NOT NULL AND sender_key = ?1 AND id > ?2
           ORDER BY id LIMIT ?3
         )
         UNION
         SELECT id FROM (
           SELECT id FROM events WHERE recipient_key = ?1 AND id > ?2
           ORDER BY id LIMIT ?3
         )
       ) ORDER BY id LIMIT ?3`,
    );
    // Both directions through the pair index, newest first; notes to self are in both, once.
    this.#conversation = db.prepare(
      `SELECT ${COLUMNS} FROM events WHERE id IN (
         SELECT id FROM (
           SELECT id FROM events WHERE recipient_key = ?2 AND sender_key = ?1
             AND id > ?3 AND id < ?4 AND ${NOT_CHANGE} ORDER BY id DESC LIMIT ?5
         )
         UNION
         SELECT id FROM (
           SELECT id FROM events WHERE recipient_key = ?1 AND sender_key = ?2
             AND id > ?3 AND id < ?4 AND ${NOT_CHANGE} ORDER BY id DESC LIMIT ?5
         )
       ) ORDER BY id DESC LIMIT ?5`,
    );
    this.#conversations = db.prepare(
      `SELECT other, MAX(id) AS last FROM (
         SELECT recipient_key AS other, id FROM events
           WHERE recipient_key IS NOT NULL AND sender_key = ?1 AND id > ?2
         UNION ALL
         SELECT sender_key AS other, id FROM events WHERE recipient_key = ?1 AND id > ?2
       ) GROUP BY other ORDER BY last DESC LIMIT ?3`,
    );
    this.#eventById = db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ?`);
    this.#roomUnread = db.prepare(
      `SELECT COUNT(*) AS n FROM events WHERE room = ? AND id > ? AND ${READABLE} AND sender <> ?`,
    );
    this.#roomMentionCandidates = db.prepare(
      `SELECT CAST(text AS BLOB) AS text FROM events
       WHERE room = ? AND id > ? AND type IN ('message', 'action') AND recipient IS NULL
         AND sender <> ? AND text LIKE ? ESCAPE '\\'`,
    );
    this.#roomLast = db.prepare(
      `SELECT id FROM events WHERE room = ? AND ${READABLE} ORDER BY id DESC LIMIT 1`,
    );
    this.#conversationUnread = db.prepare(
      `SELECT COUNT(*) AS n FROM events WHERE recipient_key = ? AND sender_key = ? AND id > ?
         AND sender_key <> recipient_key AND ${NOT_CHANGE}`,
    );
    this.#conversationLast = db.prepare(
      `SELECT MAX(
         (SELECT COALESCE(MAX(id), 0) FROM events WHERE recipient_key = ?1 AND sender_key = ?2),
         (SELECT COALESCE(MAX(id), 0) FROM events WHERE recipient_key = ?2 AND sender_key = ?1)
       ) AS n`,
    );
    this.#mentionCandidates = db.prepare(
      `SELECT ${COLUMNS} FROM events
       WHERE type IN ('message', 'action') AND recipient IS NULL AND id < ? AND text LIKE ? ESCAPE '\\'
       ORDER BY id DESC LIMIT ?`,
    );
    this.#lastId = db.prepare("SELECT COALESCE(MAX(id), 0) AS n FROM events");
    this.#count = db.prepare("SELECT COUNT(*) AS n FROM events");
    this.#file = db.prepare(`SELECT ${COLUMNS} FROM events WHERE id = ? AND type = 'file'`);
    this.#filesInRoom = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM events WHERE type = 'file' AND recipient IS NULL AND room = ?
         ORDER BY id DESC LIMIT ?
       ) ORDER BY id`,
    );
    this.#filesInAllRooms = db.prepare(
      `SELECT ${COLUMNS} FROM (
         SELECT * FROM events WHERE type = 'file' AND recipient IS NULL ORDER BY id DESC LIMIT ?
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
    const store = new SqliteHistoryStore(openChatDatabase(path));
    store.#indexer.catchUp();
    return store;
  }

  /**
   * Opens the store at `path` for reading only, while a server may be writing it: appends and
   * deletions reject.
   *
   * @throws {Error} when the file is missing, not a chat database, or of another storage version.
   */
  static openReadOnly(path: string): SqliteHistoryStore {
    return new SqliteHistoryStore(openChatDatabaseReadOnly(path));
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
        const query = options.skipPresence ? this.#pageReading : this.#page;
        return this.#decorate(query.all(room, before, options.limit).map(toStoredEvent));
      }
      assertAfter(options.after);
      const events = this.#pageAfter.all(room, options.after, before, options.limit)
        .map(toStoredEvent);
      return this.#decorate(
        options.skipPresence ? events.filter((event) => !leftOutOfPages(event)) : events,
      );
    });
  }

  /** The newest `limit` events between `nick` and `other`, within the bounds, oldest first. */
  conversation(nick: string, other: string, options: ConversationOptions): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      assertAfter(options.after);
      const before = options.before ?? Number.MAX_SAFE_INTEGER;
      return this.#decorate(
        this.#conversation
          .all(nickKey(nick), nickKey(other), options.after, before, options.limit)
          .map(toStoredEvent)
          .reverse(),
      );
    });
  }

  /** Whom `nick` has private events with above `after`, the newest `limit`, newest first. */
  conversations(nick: string, options: PrivatesOptions): Promise<ConversationSummary[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      assertAfter(options.after);
      const key = nickKey(nick);
      return this.#conversations.all(key, options.after, options.limit).map((row) => {
        const event = toStoredEvent(this.#eventById.get(Number(row.last))!);
        // The newest event spells the other person's nick as they last used it.
        const other = nickKey(event.from) === key ? event.to! : event.from;
        return { with: other, lastId: Number(row.last) };
      });
    });
  }

  /** What `self` has to read in `place` above `after`. */
  tally(place: TallyPlace, options: { after: number; self: string }): Promise<Tally> {
    return this.#read(() => {
      assertAfter(options.after);
      if (!("room" in place)) {
        const reader = nickKey(place.nick);
        const other = nickKey(place.with);
        return {
          unread: Number(this.#conversationUnread.get(reader, other, options.after)?.n ?? 0),
          mentions: 0,
          lastId: Number(this.#conversationLast.get(reader, other)?.n ?? 0),
        };
      }
      const { room } = place;
      const unread = Number(this.#roomUnread.get(room, options.after, options.self)?.n ?? 0);
      // LIKE narrows by the ASCII-case-insensitive text; mentions() decides.
      const candidates = unread === 0 ? [] : this.#roomMentionCandidates.all(
        room,
        options.after,
        options.self,
        `%@${escapeLike(options.self)}%`,
      );
      return {
        unread,
        mentions: candidates.filter((row) => mentions(readText(row.text), options.self)).length,
        lastId: Number(this.#roomLast.get(room)?.id ?? 0),
      };
    });
  }

  /** The newest `limit` room messages and actions mentioning `nick` below `before`. */
  mentions(nick: string, options: { before?: number; limit: number }): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      const found: StoredEvent[] = [];
      let before = options.before ?? Number.MAX_SAFE_INTEGER;
      const pattern = `%@${escapeLike(nick)}%`;
      while (found.length < options.limit) {
        const rows = this.#mentionCandidates.all(before, pattern, MENTION_BATCH);
        for (const row of rows) {
          const event = toStoredEvent(row);
          if (mentions(event.text, nick)) found.push(event);
          if (found.length === options.limit) break;
        }
        if (rows.length < MENTION_BATCH) break;
        before = Number(rows[rows.length - 1].id);
      }
      return this.#decorate(found.reverse());
    });
  }

  /** The oldest `limit` private events above `after` sent or received by `nick`. */
  privates(nick: string, options: PrivatesOptions): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      assertAfter(options.after);
      return this.#decorate(
        this.#privates.all(nickKey(nick), options.after, options.limit).map(toStoredEvent),
      );
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
      return this.#decorate(this.#events.all(options.after, options.limit).map(toStoredEvent));
    });
  }

  /** The event stored with this `clientId`, if any. */
  byClientId(clientId: string): Promise<StoredEvent | undefined> {
    return this.#read(() => {
      const row = this.#findByClientId.get(clientId);
      return row === undefined ? undefined : this.#decorate([toStoredEvent(row)])[0];
    });
  }

  /** The `file` event with this id, or `undefined` when the id is not a stored file. */
  file(id: number): Promise<StoredEvent | undefined> {
    return this.#read(() => {
      if (!Number.isSafeInteger(id)) return undefined;
      const row = this.#file.get(id);
      return row === undefined ? undefined : this.#decorate([toStoredEvent(row)])[0];
    });
  }

  /** The event with this id as it reads now, if there is one. */
  event(id: number): Promise<StoredEvent | undefined> {
    return this.#read(() => {
      if (!Number.isSafeInteger(id)) return undefined;
      const row = this.#eventById.get(id);
      return row === undefined ? undefined : this.#decorate([toStoredEvent(row)])[0];
    });
  }

  /** The ids of the `edit` events of message `id`, oldest first. */
  edits(id: number): Promise<number[]> {
    return this.#read(() => this.#changes.edits.all(id).map((row) => Number(row.id)));
  }

  /** What `request` finds, newest first: see {@linkcode HistoryStore.search}. */
  search(request: SearchRequest): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(request.limit);
      this.#indexer.flush();
      const { ids } = searchIds(this.#db, parseSearchTerms(request.text), {
        rooms: request.rooms,
        privateKey: nickKey(request.nick),
        room: request.room,
        withKey: request.with === undefined ? undefined : nickKey(request.with),
        fromKey: request.from === undefined ? undefined : nickKey(request.from),
        before: request.before,
        privatesAfter: request.privatesAfter,
        limit: Math.max(request.limit, 1),
      });
      return this.#decorate(ids.map((id) => toStoredEvent(this.#eventById.get(id)!)));
    });
  }

  /**
   * Gives `events` what changes made of them: their reactions, their quote of the message they
   * answer, and on `edit` events the text of the message as it reads now.
   */
  #decorate(events: StoredEvent[]): StoredEvent[] {
    const messages = events.filter((event) => MESSAGE_TYPES.includes(event.type));
    if (messages.length > 0) {
      const reactions = new Map<number, Map<string, string[]>>();
      const rows = this.#changes.reactionsOf.all(JSON.stringify(messages.map((event) => event.id)));
      for (const row of rows) {
        const of = reactions.get(Number(row.event_id)) ?? new Map<string, string[]>();
        reactions.set(Number(row.event_id), of);
        const emoji = readText(row.emoji);
        of.set(emoji, [...of.get(emoji) ?? [], readText(row.nick)]);
      }
      for (const event of messages) {
        const of = reactions.get(event.id);
        if (of !== undefined) {
          event.reactions = [...of].map(([emoji, nicks]) => ({ emoji, nicks }));
        }
      }
    }
    const wanted = events.flatMap((event) =>
      event.replyTo !== undefined ? [event.replyTo] : event.type === "edit" ? [event.ref!] : []
    );
    if (wanted.length === 0) return events;
    const originals = new Map(
      this.#changes.originals.all(JSON.stringify(wanted)).map((row) => [Number(row.id), row]),
    );
    for (const event of events) {
      if (event.type === "edit") {
        const original = originals.get(event.ref!);
        event.text = original === undefined ? "" : readText(original.text);
        continue;
      }
      if (event.replyTo === undefined) continue;
      const original = originals.get(event.replyTo);
      if (original === undefined) continue;
      event.quote = quoteOf({
        from: readText(original.sender),
        text: readText(original.text),
        deleted: (Number(original.flags) & DELETED) !== 0,
      });
    }
    return events;
  }

  /** The newest `limit` `file` events, of `room` or of every room, oldest first. */
  files(options: { room?: string; limit: number }): Promise<StoredEvent[]> {
    return this.#read(() => {
      assertLimit(options.limit);
      const rows = options.room === undefined
        ? this.#filesInAllRooms.all(options.limit)
        : this.#filesInRoom.all(options.room, options.limit);
      return this.#decorate(rows.map(toStoredEvent));
    });
  }

  /** Deletes the events older than `ts`, for good: see `_sqlite_erase.ts`. */
  deleteBefore(ts: number): Promise<Deleted> {
    return this.#read(() => {
      if (!Number.isFinite(ts)) throw new RangeError(`Time ${ts} is not a finite number`);
      return this.#delete("WHERE ts < ?", [ts], () => unindexEventsBefore(this.#db, ts));
    });
  }

  /** Deletes every event, for good; ids go on from the highest given. */
  wipe(): Promise<Deleted> {
    return this.#read(() => this.#delete("", [], () => clearSearchIndex(this.#db)));
  }

  #delete(where: string, values: number[], unindex: () => void): Deleted {
    this.#indexer.begin();
    let deleted: Deleted;
    try {
      deleted = this.#deleteRows(where, values, unindex);
      this.#indexer.commit();
    } catch (error) {
      this.#indexer.rollback();
      throw error;
    }
    // Also when nothing matched: a checkpoint with nothing to copy costs next to nothing.
    eraseDeleted(this.#db);
    return deleted;
  }

  #deleteRows(where: string, values: number[], unindex: () => void): Deleted {
    return inTransaction(this.#db, () => {
      const candidates = this.#db.prepare(
        `SELECT DISTINCT file_blob FROM events ${where}${where ? " AND" : "WHERE"}
         file_blob IS NOT NULL`,
      ).all(...values).map((row) => String(row.file_blob));
      // The index forgets the words by their text, so before the rows go.
      this.#indexer.indexWaiting();
      unindex();
      const { changes } = this.#db.prepare(`DELETE FROM events ${where}`).run(...values);
      this.#changes.orphanReactions.run();
      const kept = new Set(
        this.#db.prepare("SELECT DISTINCT file_blob FROM events WHERE type = 'file'").all()
          .map((row) => String(row.file_blob)),
      );
      return { events: Number(changes), blobs: candidates.filter((blob) => !kept.has(blob)) };
    });
  }

  /** Commits pending appends, then closes the database. Calling it again does nothing. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#flush();
    this.#indexer.flush();
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
    // An edit or delete overwrote text: the old pages leave the write-ahead log now.
    if (batch.some(({ event }) => event.type === "edit" || event.type === "delete")) {
      eraseDeleted(this.#db);
    }
    // Resolving in queue order makes callers observe results in id order.
    batch.forEach((pending, index) => pending.resolve(results[index]));
  }

  #commit(events: NewEvent[]): AppendResult[] {
    this.#db.exec("BEGIN IMMEDIATE");
    this.#indexer.begin();
    try {
      const results = events.map((event) => this.#insertOne(event));
      this.#db.exec("COMMIT");
      this.#indexer.commit();
      return results;
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      this.#indexer.rollback();
      throw error;
    }
  }

  /** Keeps events whose ids a shared log assigned; see {@linkcode HistoryStore.keep}. */
  keep(events: readonly StoredEvent[]): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    // Appends waiting for their batch go first: their ids were given before these arrived.
    this.#flush();
    return settle(() => {
      let erase = false;
      this.#db.exec("BEGIN IMMEDIATE");
      this.#indexer.begin();
      try {
        for (const event of events) {
          if (this.#hasId.get(event.id) !== undefined) continue;
          const taken = event.clientId !== undefined &&
            this.#findByClientId.get(event.clientId) !== undefined;
          this.#insertWithId.run(event.id, ...this.#columns(event, taken));
          this.#applyChange(event, event.id);
          erase ||= event.type === "edit" || event.type === "delete";
        }
        this.#db.exec("COMMIT");
        this.#indexer.commit();
        if (erase) eraseDeleted(this.#db);
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
        this.#indexer.rollback();
        throw error;
      }
    });
  }

  /**
   * Applies a change event just stored as `id` to the message it names: an edit overwrites the
   * text, a delete empties it and drops its reactions, a reaction is added or taken back. The
   * search index follows the text.
   */
  #applyChange(event: NewEvent, id: number): void {
    if (event.ref === undefined) {
      this.#indexer.add({ ...event, id });
      return;
    }
    // The index forgets words by the text they were indexed from: it must hold them all first.
    if (event.type !== "reaction") this.#indexer.indexWaiting();
    switch (event.type) {
      case "edit": {
        const row = this.#eventById.get(event.ref);
        if (row === undefined) return this.#rebuild(event);
        const message = toStoredEvent(row);
        if (message.deleted || !["message", "action", "private"].includes(message.type)) return;
        // The index forgets the old words by their text, so before the row changes.
        unindexEvent(this.#db, event.ref);
        this.#changes.edit.run(event.text, event.ref);
        indexEvent(this.#db, { ...message, text: event.text });
        return;
      }
      case "delete": {
        unindexEvent(this.#db, event.ref);
        this.#changes.remove.run(event.ref);
        this.#changes.dropReactions.run(event.ref);
        return;
      }
      case "reaction":
        if (event.remove === true) {
          this.#changes.unreact.run(event.ref, event.emoji!, nickKey(event.from));
        } else {
          this.#changes.react.run(event.ref, event.emoji!, nickKey(event.from), event.from, id);
        }
        return;
    }
  }

  /**
   * Keeps the message an edit names when it is not kept: a shared log erases a message once it
   * is edited (section 3.6), and a store that follows the log from its start builds it from its
   * newest edit, which carries what else the message was.
   */
  #rebuild(edit: NewEvent): void {
    const message = messageFromEdit(edit);
    if (message === undefined) return;
    this.#insertWithId.run(edit.ref!, ...this.#columns(message));
    this.#changes.markEdited.run(edit.ref!);
    this.#indexer.add({ ...message, id: edit.ref! });
  }

  /** The values of every column but `id`, in the order the insert statements name them. */
  #columns(event: NewEvent, withoutClientId = false): (string | number | null)[] {
    return [
      event.ts,
      event.room,
      event.type,
      event.from,
      event.to ?? null,
      // An edit's text is kept only in the message it changes: see #applyChange.
      event.type === "edit" ? "" : event.text,
      event.event ?? null,
      event.nick ?? null,
      withoutClientId ? null : event.clientId ?? null,
      event.file?.name ?? null,
      event.file?.size ?? null,
      event.file?.sha256 ?? null,
      event.file?.blob ?? null,
      event.to !== undefined ? nickKey(event.from) : null,
      event.to !== undefined ? nickKey(event.to) : null,
      event.control === undefined ? null : JSON.stringify(event.control),
      event.ref ?? null,
      event.replyTo ?? null,
      event.emoji ?? null,
      event.remove === true ? REMOVE : 0,
    ];
  }

  #insertOne(event: NewEvent): AppendResult {
    // Looked up inside the transaction, so a duplicate earlier in the same batch is found too.
    if (event.clientId !== undefined) {
      const row = this.#findByClientId.get(event.clientId);
      if (row !== undefined) return { event: toStoredEvent(row), created: false };
    }
    const { lastInsertRowid } = this.#insert.run(...this.#columns(event));
    this.#applyChange(event, Number(lastInsertRowid));
    return { event: copyEvent(event, Number(lastInsertRowid)), created: true };
  }
}

/** `text` for a LIKE pattern with `\` as the escape character. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
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
  if (row.control !== null && row.control !== undefined) {
    event.control = JSON.parse(readText(row.control));
  }
  if (row.ref !== null && row.ref !== undefined) event.ref = Number(row.ref);
  if (row.reply_to !== null && row.reply_to !== undefined) event.replyTo = Number(row.reply_to);
  if (row.emoji !== null && row.emoji !== undefined) event.emoji = readText(row.emoji);
  const flags = Number(row.flags ?? 0);
  if (flags & EDITED) event.edited = true;
  if (flags & DELETED) event.deleted = true;
  if (flags & REMOVE) event.remove = true;
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
