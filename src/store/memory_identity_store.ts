import type { Device, IdentityStore, Invite, NickClaim } from "../chat/identity_store.ts";
import { nickKey } from "../protocol/names.ts";
import { settle } from "./_settle.ts";

/**
 * An {@linkcode IdentityStore} in memory, for tests; otherwise it behaves like the SQLite store.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryIdentityStore } from "./memory_identity_store.ts";
 *
 * const store = new MemoryIdentityStore();
 * assertEquals(await store.claimNick("Ada", "o1", 0), { owner: "o1", since: 0 });
 * assertEquals((await store.claimNick("ada", "o2", 5)).owner, "o1");
 * ```
 */
export class MemoryIdentityStore implements IdentityStore {
  readonly #devices = new Map<string, Device>();
  readonly #nicks = new Map<string, { nick: string; owner: string; since: number }>();
  readonly #invites = new Map<string, Invite>();
  readonly #linkCodes = new Map<string, { owner: string; expires: number }>();
  #closed = false;

  addDevice(device: Device): Promise<void> {
    return this.#run(() => {
      if (this.#devices.has(device.id)) throw new Error(`Device ${device.id} exists already`);
      this.#devices.set(device.id, { ...device });
    });
  }

  device(id: string): Promise<Device | undefined> {
    return this.#run(() => {
      const device = this.#devices.get(id);
      return device === undefined ? undefined : { ...device };
    });
  }

  devicesOf(owner: string): Promise<Device[]> {
    return this.#run(() =>
      [...this.#devices.values()].filter((device) => device.owner === owner)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map((device) => ({ ...device }))
    );
  }

  touchDevice(id: string, at: number): Promise<void> {
    return this.#run(() => {
      const device = this.#devices.get(id);
      if (device !== undefined) device.lastSeen = at;
    });
  }

  removeDevice(id: string): Promise<boolean> {
    return this.#run(() => this.#devices.delete(id));
  }

  claimNick(nick: string, owner: string, since: number): Promise<NickClaim> {
    return this.#run(() => {
      const key = nickKey(nick);
      const current = this.#nicks.get(key);
      if (current !== undefined) return { owner: current.owner, since: current.since };
      this.#nicks.set(key, { nick, owner, since });
      return { owner, since };
    });
  }

  nickOwner(nick: string): Promise<NickClaim | undefined> {
    return this.#run(() => {
      const entry = this.#nicks.get(nickKey(nick));
      return entry === undefined ? undefined : { owner: entry.owner, since: entry.since };
    });
  }

  releaseNick(nick: string): Promise<boolean> {
    return this.#run(() => this.#nicks.delete(nickKey(nick)));
  }

  nicksOf(owner: string): Promise<string[]> {
    return this.#run(() =>
      [...this.#nicks.values()].filter((entry) => entry.owner === owner)
        .map((entry) => entry.nick).sort()
    );
  }

  addInvite(invite: Invite): Promise<void> {
    return this.#run(() => {
      this.#invites.set(invite.tokenHash, { ...invite });
    });
  }

  invite(tokenHash: string, now: number): Promise<Invite | undefined> {
    return this.#run(() => {
      const invite = this.#invites.get(tokenHash);
      return invite === undefined || invite.expires < now ? undefined : { ...invite };
    });
  }

  addLinkCode(code: { codeHash: string; owner: string; expires: number }): Promise<void> {
    return this.#run(() => {
      this.#linkCodes.set(code.codeHash, { owner: code.owner, expires: code.expires });
    });
  }

  takeLinkCode(codeHash: string, now: number): Promise<string | undefined> {
    return this.#run(() => {
      const code = this.#linkCodes.get(codeHash);
      this.#linkCodes.delete(codeHash);
      return code === undefined || code.expires < now ? undefined : code.owner;
    });
  }

  sweep(now: number): Promise<number> {
    return this.#run(() => {
      let removed = 0;
      for (const [hash, invite] of this.#invites) {
        if (invite.expires < now) removed += Number(this.#invites.delete(hash));
      }
      for (const [hash, code] of this.#linkCodes) {
        if (code.expires < now) removed += Number(this.#linkCodes.delete(hash));
      }
      return removed;
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The identity store is closed"));
    return settle(work);
  }
}
