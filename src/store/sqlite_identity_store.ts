import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { Device, IdentityStore, Invite, NickClaim } from "../chat/identity_store.ts";
import { nickKey } from "../protocol/names.ts";
import { openChatDatabase, readText } from "./_sqlite_schema.ts";
import { settle } from "./_settle.ts";

/**
 * A durable {@linkcode IdentityStore}: the `devices`, `nicks`, `invites` and `link_codes` tables
 * of the chat database, on a connection of its own. A nick claim is one `INSERT … ON CONFLICT DO
 * NOTHING`, so two claims can never both win.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { SqliteIdentityStore } from "./sqlite_identity_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = SqliteIdentityStore.open(`${dir}/chat.db`);
 * assertEquals(await store.claimNick("Ada", "o1", 0), { owner: "o1", since: 0 });
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class SqliteIdentityStore implements IdentityStore {
  readonly #db: DatabaseSync;
  readonly #statements: Record<string, StatementSync>;
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
    const device = "id, owner, secret_hash, passkey_tag, CAST(name AS BLOB) AS name, " +
      "created_at, last_seen";
    this.#statements = {
      addDevice: db.prepare(
        `INSERT INTO devices (id, owner, secret_hash, passkey_tag, name, created_at, last_seen)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      device: db.prepare(`SELECT ${device} FROM devices WHERE id = ?`),
      devicesOf: db.prepare(
        `SELECT ${device} FROM devices WHERE owner = ? ORDER BY created_at, id`,
      ),
      touchDevice: db.prepare("UPDATE devices SET last_seen = ? WHERE id = ?"),
      removeDevice: db.prepare("DELETE FROM devices WHERE id = ?"),
      claimNick: db.prepare(
        `INSERT INTO nicks (nick_key, nick, owner, since) VALUES (?, ?, ?, ?)
         ON CONFLICT (nick_key) DO NOTHING`,
      ),
      nickOwner: db.prepare("SELECT owner, since FROM nicks WHERE nick_key = ?"),
      releaseNick: db.prepare("DELETE FROM nicks WHERE nick_key = ?"),
      nicksOf: db.prepare("SELECT CAST(nick AS BLOB) AS nick FROM nicks WHERE owner = ?"),
      addInvite: db.prepare(
        "INSERT INTO invites (token_hash, passkey_tag, created_at, expires) VALUES (?, ?, ?, ?)",
      ),
      invite: db.prepare(
        `SELECT token_hash, passkey_tag, created_at, expires FROM invites
         WHERE token_hash = ? AND expires >= ?`,
      ),
      addLinkCode: db.prepare(
        "INSERT OR REPLACE INTO link_codes (code_hash, owner, expires) VALUES (?, ?, ?)",
      ),
      linkCode: db.prepare("SELECT owner, expires FROM link_codes WHERE code_hash = ?"),
      removeLinkCode: db.prepare("DELETE FROM link_codes WHERE code_hash = ?"),
      sweepInvites: db.prepare("DELETE FROM invites WHERE expires < ?"),
      sweepLinkCodes: db.prepare("DELETE FROM link_codes WHERE expires < ?"),
    };
  }

  /**
   * Opens the identities of the chat database at `path`, creating or upgrading the file.
   *
   * @throws {StoreVersionError} when the file was written by a newer chat.
   */
  static open(path: string): SqliteIdentityStore {
    return new SqliteIdentityStore(openChatDatabase(path));
  }

  addDevice(device: Device): Promise<void> {
    return this.#run(() => {
      this.#statements.addDevice.run(
        device.id,
        device.owner,
        device.secretHash,
        device.passkeyTag,
        device.name,
        device.createdAt,
        device.lastSeen,
      );
    });
  }

  device(id: string): Promise<Device | undefined> {
    return this.#run(() => toDevice(this.#statements.device.get(id)));
  }

  devicesOf(owner: string): Promise<Device[]> {
    return this.#run(() => this.#statements.devicesOf.all(owner).map((row) => toDevice(row)!));
  }

  touchDevice(id: string, at: number): Promise<void> {
    return this.#run(() => {
      this.#statements.touchDevice.run(at, id);
    });
  }

  removeDevice(id: string): Promise<boolean> {
    return this.#run(() => Number(this.#statements.removeDevice.run(id).changes) > 0);
  }

  claimNick(nick: string, owner: string, since: number): Promise<NickClaim> {
    return this.#run(() => {
      const key = nickKey(nick);
      this.#statements.claimNick.run(key, nick, owner, since);
      return toClaim(this.#statements.nickOwner.get(key))!;
    });
  }

  nickOwner(nick: string): Promise<NickClaim | undefined> {
    return this.#run(() => toClaim(this.#statements.nickOwner.get(nickKey(nick))));
  }

  releaseNick(nick: string): Promise<boolean> {
    return this.#run(() => Number(this.#statements.releaseNick.run(nickKey(nick)).changes) > 0);
  }

  nicksOf(owner: string): Promise<string[]> {
    return this.#run(() =>
      this.#statements.nicksOf.all(owner).map((row) => readText(row.nick)).sort()
    );
  }

  addInvite(invite: Invite): Promise<void> {
    return this.#run(() => {
      this.#statements.addInvite.run(
        invite.tokenHash,
        invite.passkeyTag,
        invite.createdAt,
        invite.expires,
      );
    });
  }

  invite(tokenHash: string, now: number): Promise<Invite | undefined> {
    return this.#run(() => {
      const row = this.#statements.invite.get(tokenHash, now);
      if (row === undefined) return undefined;
      return {
        tokenHash: String(row.token_hash),
        passkeyTag: String(row.passkey_tag),
        createdAt: Number(row.created_at),
        expires: Number(row.expires),
      };
    });
  }

  addLinkCode(code: { codeHash: string; owner: string; expires: number }): Promise<void> {
    return this.#run(() => {
      this.#statements.addLinkCode.run(code.codeHash, code.owner, code.expires);
    });
  }

  takeLinkCode(codeHash: string, now: number): Promise<string | undefined> {
    return this.#run(() => {
      const row = this.#statements.linkCode.get(codeHash);
      this.#statements.removeLinkCode.run(codeHash);
      return row === undefined || Number(row.expires) < now ? undefined : String(row.owner);
    });
  }

  sweep(now: number): Promise<number> {
    return this.#run(() =>
      Number(this.#statements.sweepInvites.run(now).changes) +
      Number(this.#statements.sweepLinkCodes.run(now).changes)
    );
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return settle(() => this.#db.close());
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The identity store is closed"));
    return settle(work);
  }
}

function toDevice(row: Record<string, unknown> | undefined): Device | undefined {
  if (row === undefined) return undefined;
  return {
    id: String(row.id),
    owner: String(row.owner),
    secretHash: String(row.secret_hash),
    passkeyTag: String(row.passkey_tag),
    name: readText(row.name),
    createdAt: Number(row.created_at),
    lastSeen: Number(row.last_seen),
  };
}

function toClaim(row: Record<string, unknown> | undefined): NickClaim | undefined {
  return row === undefined ? undefined : { owner: String(row.owner), since: Number(row.since) };
}
