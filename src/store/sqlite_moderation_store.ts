import type { DatabaseSync, StatementSync } from "node:sqlite";
import type {
  AuditEntry,
  Ban,
  ModerationStore,
  Mute,
  RoomSettings,
} from "../chat/moderation_store.ts";
import { nickKey } from "../protocol/names.ts";
import { openChatDatabase, readText } from "./_sqlite_schema.ts";
import { settle } from "./_settle.ts";
import {
  assertBanTarget,
  banMatches,
  MemoryModerationStore,
  withoutUndefined,
} from "./memory_moderation_store.ts";

/** A nullable column as an optional field. */
function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : readText(value);
}

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

/**
 * A durable {@linkcode ModerationStore}: the `operators`, `bans`, `mutes`, `room_settings` and
 * `audit` tables of the chat database (`chat.db`), on a connection of its own. The tables are
 * small, so all but the audit log are read once at open into a {@linkcode MemoryModerationStore}
 * that answers every question: a post never waits for a query to learn whether its author is
 * muted. Every change is committed before it resolves, then applied to that view.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SqliteModerationStore } from "./sqlite_moderation_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = SqliteModerationStore.open(`${dir}/chat.db`);
 * await store.setOperator("ana", true);
 * await store.close();
 * const again = SqliteModerationStore.open(`${dir}/chat.db`);
 * assertEquals(await again.operators(), ["ana"]);
 * await again.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteModerationStore implements ModerationStore {
  readonly #db: DatabaseSync;
  readonly #view: MemoryModerationStore;
  readonly #statements: Record<string, StatementSync>;
  #closed = false;

  private constructor(db: DatabaseSync, view: MemoryModerationStore) {
    this.#db = db;
    this.#view = view;
    this.#statements = {
      addOperator: db.prepare("INSERT OR IGNORE INTO operators (nick_key) VALUES (?)"),
      removeOperator: db.prepare("DELETE FROM operators WHERE nick_key = ?"),
      removeBanOfOwner: db.prepare("DELETE FROM bans WHERE owner = ?"),
      removeBanOfAddress: db.prepare("DELETE FROM bans WHERE address = ?"),
      addBan: db.prepare(
        `INSERT INTO bans (nick, owner, address, by_nick, at, until, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      allBans: db.prepare(
        "SELECT rowid, CAST(nick AS BLOB) AS nick, owner, address FROM bans",
      ),
      removeBan: db.prepare("DELETE FROM bans WHERE rowid = ?"),
      addMute: db.prepare(
        `INSERT INTO mutes (owner, nick, by_nick, at, until, reason) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner) DO UPDATE SET nick = excluded.nick, by_nick = excluded.by_nick,
           at = excluded.at, until = excluded.until, reason = excluded.reason`,
      ),
      removeMute: db.prepare("DELETE FROM mutes WHERE owner = ?"),
      setRoom: db.prepare(
        `INSERT INTO room_settings (room, settings) VALUES (?, ?)
         ON CONFLICT (room) DO UPDATE SET settings = excluded.settings`,
      ),
      appendAudit: db.prepare(
        `INSERT INTO audit (at, by_nick, action, nick, room, reason, until, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      ),
      audit: db.prepare(
        `SELECT id, at, CAST(by_nick AS BLOB) AS by_nick, action, CAST(nick AS BLOB) AS nick,
           room, CAST(reason AS BLOB) AS reason, until, CAST(detail AS BLOB) AS detail
         FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?`,
      ),
    };
  }

  /**
   * Opens the host controls' tables of the chat database at `path`, creating or upgrading the
   * file, and reads them.
   *
   * @throws {StoreVersionError} when the file was written by a newer chat.
   */
  static async open(path: string): Promise<SqliteModerationStore> {
    const db = openChatDatabase(path);
    try {
      return new SqliteModerationStore(db, await readView(db));
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async setOperator(nick: string, operator: boolean): Promise<boolean> {
    await this.#run(() => {
      const statement = operator ? "addOperator" : "removeOperator";
      this.#statements[statement].run(nickKey(nick));
    });
    return await this.#view.setOperator(nick, operator);
  }

  isOperator(nick: string): Promise<boolean> {
    return this.#read(() => this.#view.isOperator(nick));
  }

  operators(): Promise<string[]> {
    return this.#read(() => this.#view.operators());
  }

  async addBan(ban: Ban): Promise<void> {
    await this.#run(() => {
      assertBanTarget(ban);
      this.#transaction(() => {
        if (ban.owner !== undefined) this.#statements.removeBanOfOwner.run(ban.owner);
        if (ban.address !== undefined) this.#statements.removeBanOfAddress.run(ban.address);
        this.#statements.addBan.run(
          ban.nick ?? null,
          ban.owner ?? null,
          ban.address ?? null,
          ban.by,
          ban.at,
          ban.until ?? null,
          ban.reason ?? null,
        );
      });
    });
    await this.#view.addBan(ban);
  }

  async removeBans(target: { nick?: string; address?: string }): Promise<number> {
    await this.#run(() => {
      this.#transaction(() => {
        for (const row of this.#statements.allBans.all()) {
          const ban = {
            nick: optionalText(row.nick),
            owner: optionalText(row.owner),
            address: optionalText(row.address),
            by: "",
            at: 0,
          };
          if (banMatches(ban, target)) this.#statements.removeBan.run(Number(row.rowid));
        }
      });
    });
    return await this.#view.removeBans(target);
  }

  bans(now: number): Promise<Ban[]> {
    return this.#read(() => this.#view.bans(now));
  }

  async addMute(mute: Mute): Promise<void> {
    await this.#run(() =>
      this.#statements.addMute.run(
        mute.owner,
        mute.nick,
        mute.by,
        mute.at,
        mute.until ?? null,
        mute.reason ?? null,
      )
    );
    await this.#view.addMute(mute);
  }

  async removeMute(owner: string): Promise<boolean> {
    await this.#run(() => this.#statements.removeMute.run(owner));
    return await this.#view.removeMute(owner);
  }

  muteOf(owner: string, now: number): Promise<Mute | undefined> {
    return this.#read(() => this.#view.muteOf(owner, now));
  }

  roomSettings(room: string): Promise<RoomSettings> {
    return this.#read(() => this.#view.roomSettings(room));
  }

  async setRoomSettings(room: string, settings: RoomSettings): Promise<void> {
    await this.#run(() => this.#statements.setRoom.run(room, JSON.stringify(settings)));
    await this.#view.setRoomSettings(room, settings);
  }

  appendAudit(entry: Omit<AuditEntry, "id">): Promise<AuditEntry> {
    return this.#run(() => {
      const row = this.#statements.appendAudit.get(
        entry.at,
        entry.by,
        entry.action,
        entry.nick ?? null,
        entry.room ?? null,
        entry.reason ?? null,
        entry.until ?? null,
        entry.detail ?? null,
      );
      return withoutUndefined({ ...entry, id: Number(row?.id) });
    });
  }

  audit(options: { before?: number; limit: number }): Promise<AuditEntry[]> {
    return this.#run(() =>
      this.#statements.audit.all(options.before ?? Number.MAX_SAFE_INTEGER, options.limit).map(
        (row) => {
          const entry: AuditEntry = {
            id: Number(row.id),
            at: Number(row.at),
            by: readText(row.by_nick),
            action: String(row.action),
          };
          const nick = optionalText(row.nick);
          const room = optionalText(row.room);
          const reason = optionalText(row.reason);
          const until = optionalNumber(row.until);
          const detail = optionalText(row.detail);
          if (nick !== undefined) entry.nick = nick;
          if (room !== undefined) entry.room = room;
          if (reason !== undefined) entry.reason = reason;
          if (until !== undefined) entry.until = until;
          if (detail !== undefined) entry.detail = detail;
          return entry;
        },
      )
    );
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return settle(() => this.#db.close());
  }

  #transaction(work: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      work();
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The moderation store is closed"));
    return settle(work);
  }

  #read<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The moderation store is closed"));
    return work();
  }
}

/** Reads every table but the audit log into a view in memory. */
async function readView(db: DatabaseSync): Promise<MemoryModerationStore> {
  const view = new MemoryModerationStore();
  for (const row of db.prepare("SELECT nick_key FROM operators").all()) {
    await view.setOperator(String(row.nick_key), true);
  }
  const bans = db.prepare(
    `SELECT CAST(nick AS BLOB) AS nick, owner, address, CAST(by_nick AS BLOB) AS by_nick, at,
       until, CAST(reason AS BLOB) AS reason FROM bans ORDER BY at`,
  ).all();
  for (const row of bans) {
    await view.addBan(withoutUndefined({
      nick: optionalText(row.nick),
      owner: optionalText(row.owner),
      address: optionalText(row.address),
      by: readText(row.by_nick),
      at: Number(row.at),
      until: optionalNumber(row.until),
      reason: optionalText(row.reason),
    }));
  }
  const mutes = db.prepare(
    `SELECT owner, CAST(nick AS BLOB) AS nick, CAST(by_nick AS BLOB) AS by_nick, at, until,
       CAST(reason AS BLOB) AS reason FROM mutes`,
  ).all();
  for (const row of mutes) {
    await view.addMute(withoutUndefined({
      owner: String(row.owner),
      nick: readText(row.nick),
      by: readText(row.by_nick),
      at: Number(row.at),
      until: optionalNumber(row.until),
      reason: optionalText(row.reason),
    }));
  }
  for (
    const row of db.prepare("SELECT room, CAST(settings AS BLOB) AS settings FROM room_settings")
      .all()
  ) {
    await view.setRoomSettings(String(row.room), JSON.parse(readText(row.settings)));
  }
  return view;
}
