import {
  type AuditEntry,
  type Ban,
  DEFAULT_ROOM_SETTINGS,
  type ModerationStore,
  type Mute,
  type RoomSettings,
} from "../chat/moderation_store.ts";
import { nickKey } from "../protocol/names.ts";
import { settle } from "./_settle.ts";

/** Whether a ban or mute is in force at `now`. */
export function inForce(sanction: { until?: number }, now: number): boolean {
  return sanction.until === undefined || sanction.until > now;
}

/** A copy of the object without its undefined fields, as a store that never kept them gives it back. */
export function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** Throws unless `ban` names whom it keeps out. */
export function assertBanTarget(ban: Ban): void {
  if ((ban.owner === undefined) === (ban.address === undefined)) {
    throw new Error("A ban names an owner or an address, not both");
  }
}

/** Whether two bans keep out the same owner or the same address: the newer replaces the older. */
function sameTarget(a: Ban, b: Ban): boolean {
  return (a.owner !== undefined && a.owner === b.owner) ||
    (a.address !== undefined && a.address === b.address);
}

/** Whether `unban` {`nick` or `address`} lifts `ban`. */
export function banMatches(ban: Ban, target: { nick?: string; address?: string }): boolean {
  return (target.nick !== undefined && ban.nick !== undefined &&
    nickKey(ban.nick) === nickKey(target.nick)) ||
    (target.address !== undefined && ban.address === target.address);
}

/**
 * A {@linkcode ModerationStore} in memory, for tests; nothing survives the process.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryModerationStore } from "./memory_moderation_store.ts";
 *
 * const store = new MemoryModerationStore();
 * await store.setOperator("Ana", true);
 * assertEquals(await store.isOperator("ana"), true);
 * ```
 */
export class MemoryModerationStore implements ModerationStore {
  readonly #operators = new Set<string>();
  #bans: Ban[] = [];
  readonly #mutes = new Map<string, Mute>();
  readonly #rooms = new Map<string, RoomSettings>();
  readonly #audit: AuditEntry[] = [];
  #closed = false;

  setOperator(nick: string, operator: boolean): Promise<boolean> {
    return this.#run(() => {
      const key = nickKey(nick);
      if (this.#operators.has(key) === operator) return false;
      if (operator) this.#operators.add(key);
      else this.#operators.delete(key);
      return true;
    });
  }

  isOperator(nick: string): Promise<boolean> {
    return this.#run(() => this.#operators.has(nickKey(nick)));
  }

  operators(): Promise<string[]> {
    return this.#run(() => [...this.#operators].sort());
  }

  addBan(ban: Ban): Promise<void> {
    return this.#run(() => {
      assertBanTarget(ban);
      this.#bans = this.#bans.filter((old) => !sameTarget(old, ban));
      this.#bans.push(withoutUndefined(ban));
    });
  }

  removeBans(target: { nick?: string; address?: string }): Promise<number> {
    return this.#run(() => {
      const before = this.#bans.length;
      this.#bans = this.#bans.filter((ban) => !banMatches(ban, target));
      return before - this.#bans.length;
    });
  }

  bans(now: number): Promise<Ban[]> {
    return this.#run(() => {
      this.#bans = this.#bans.filter((ban) => inForce(ban, now));
      return this.#bans.map((ban) => ({ ...ban }));
    });
  }

  addMute(mute: Mute): Promise<void> {
    return this.#run(() => void this.#mutes.set(mute.owner, withoutUndefined(mute)));
  }

  removeMute(owner: string): Promise<boolean> {
    return this.#run(() => this.#mutes.delete(owner));
  }

  muteOf(owner: string, now: number): Promise<Mute | undefined> {
    return this.#run(() => {
      const mute = this.#mutes.get(owner);
      if (mute === undefined) return undefined;
      if (!inForce(mute, now)) {
        this.#mutes.delete(owner);
        return undefined;
      }
      return { ...mute };
    });
  }

  roomSettings(room: string): Promise<RoomSettings> {
    return this.#run(() => ({ ...(this.#rooms.get(room) ?? DEFAULT_ROOM_SETTINGS) }));
  }

  setRoomSettings(room: string, settings: RoomSettings): Promise<void> {
    return this.#run(() => void this.#rooms.set(room, { ...settings }));
  }

  appendAudit(entry: Omit<AuditEntry, "id">): Promise<AuditEntry> {
    return this.#run(() => {
      const kept = withoutUndefined({ ...entry, id: this.#audit.length + 1 });
      this.#audit.push(kept);
      return { ...kept };
    });
  }

  audit(options: { before?: number; limit: number }): Promise<AuditEntry[]> {
    return this.#run(() => {
      const before = options.before ?? Infinity;
      const older = this.#audit.filter((entry) => entry.id < before);
      return older.slice(-options.limit).reverse().map((entry) => ({ ...entry }));
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The moderation store is closed"));
    return settle(work);
  }
}
