/**
 * The identities of a cluster in one NATS KV bucket, `${prefix}_identity`, so that every node
 * sees the same devices, nick owners, invites and link codes.
 *
 * Keys (every free-text part is a {@linkcode keyToken}, base64url of its UTF-8):
 *
 * | key                            | value                                                       |
 * | ------------------------------ | ----------------------------------------------------------- |
 * | `device.<id>`                  | the {@linkcode Device} plus `added`, its `addDevice()` mark |
 * | `nick.<nickKey(nick)>`         | `{ nick, owner, since }`                                    |
 * | `invite.<tokenHash>`           | the {@linkcode Invite}                                      |
 * | `link.<codeHash>`              | `{ owner, expires, taken? }`                                |
 * | `owner.<owner>.device.<id>`    | empty: index of `devicesOf()`                               |
 * | `owner.<owner>.nick.<nickKey>` | empty: index of `nicksOf()`                                 |
 *
 * Why it has this shape:
 * - A nick claim is `create` of its key, a compare-and-set the stream leader decides: two nodes
 *   can never give one nick to two owners. A link code is used up by an update at the revision
 *   read, so two nodes taking it at once let exactly one device in.
 * - The owner indexes are keys rather than a view each node builds from a watch: a read needs no
 *   consumer that could stall after a server dies, and sees the writes of the moment. An index
 *   entry is written before its record and removed after it, so a node that dies in between
 *   leaves at most an entry without a record, which readers check against the record and skip.
 * - Expiry is a field of the value, checked on every read: per-key TTL is ignored by
 *   nats-server 2.9.10, and `sweep()` deletes what expired.
 * - Every operation may be run again from the start after a timeout (see `retrying()`): a
 *   retried claim finds its own claim, a retried take finds the code taken by itself.
 *
 * @example
 * ```ts ignore
 * import { assertEquals } from "@std/assert";
 * import { connectCluster } from "./context.ts";
 * import { KvIdentityStore } from "./kv_identity_store.ts";
 *
 * const context = await connectCluster({ servers: ["nats://127.0.0.1:4222"], node: "a" });
 * const store = await KvIdentityStore.open(context);
 * assertEquals(await store.claimNick("Ada", "o1", 0), { owner: "o1", since: 0 });
 * assertEquals((await store.claimNick("ada", "o2", 5)).owner, "o1");
 * await store.close();
 * await context.nc.close();
 * ```
 *
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { Device, IdentityStore, Invite, NickClaim } from "../../chat/identity_store.ts";
import { nickKey } from "../../protocol/names.ts";
import type { NatsContext } from "./context.ts";
import {
  deleteAt,
  eachLimited,
  isWrongRevision,
  jsonBytes,
  keyToken,
  listKeys,
  openBucket,
  readJson,
  retrying,
  updateJson,
} from "./_kv_cas.ts";

/** The bucket's name after the prefix. */
const BUCKET = "identity";

/** A device as stored; `added` is the random mark of the call that added it. */
interface StoredDevice extends Device {
  added?: string;
}

/** A nick's claim as stored: the nick as first written, for `nicksOf()`. */
interface StoredNick {
  nick: string;
  owner: string;
  since: number;
}

/** A link code as stored; `taken` is the random mark of the take that used it up. */
interface StoredLinkCode {
  owner: string;
  expires: number;
  taken?: string;
}

/**
 * An {@linkcode IdentityStore} on NATS KV, shared by every node of a cluster with the same prefix.
 *
 * @example
 * ```ts ignore
 * const store = await KvIdentityStore.open(context);
 * const claim = await store.claimNick("Zoë", "owner-1", 42);
 * ```
 */
export class KvIdentityStore implements IdentityStore {
  readonly #kv: KV;
  readonly #context: NatsContext;
  #closed = false;

  private constructor(kv: KV, context: NatsContext) {
    this.#kv = kv;
    this.#context = context;
  }

  /** Opens the bucket `${context.prefix}_identity`, creating it if no node has yet. */
  static async open(context: NatsContext): Promise<KvIdentityStore> {
    return new KvIdentityStore(await retrying(() => openBucket(context, BUCKET)), context);
  }

  addDevice(device: Device): Promise<void> {
    const mark = crypto.randomUUID();
    return this.#run(async () => {
      const index = ownerDeviceKey(device.owner, device.id);
      await this.#kv.put(index, "");
      try {
        await this.#kv.create(deviceKey(device.id), jsonBytes({ ...device, added: mark }));
      } catch (error) {
        if (!isWrongRevision(error)) throw error;
        const existing = await readJson<StoredDevice>(this.#kv, deviceKey(device.id));
        // A retry of this very call after its answer was lost finds its own device.
        if (existing?.value.added === mark) return;
        if (existing !== undefined && existing.value.owner !== device.owner) {
          await this.#kv.delete(index);
        }
        throw new Error(`Device ${device.id} exists already`);
      }
    });
  }

  device(id: string): Promise<Device | undefined> {
    return this.#run(async () => {
      const stored = await readJson<StoredDevice>(this.#kv, deviceKey(id));
      return stored === undefined ? undefined : withoutMark(stored.value);
    });
  }

  devicesOf(owner: string): Promise<Device[]> {
    return this.#run(async () => {
      const keys = await listKeys(this.#context, BUCKET, `owner.${keyToken(owner)}.device.*`);
      const devices = await Promise.all(
        keys.map((key) => readJson<StoredDevice>(this.#kv, `device.${key.split(".")[3]}`)),
      );
      return devices.flatMap((entry) =>
        entry?.value.owner === owner ? [withoutMark(entry.value)] : []
      )
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    });
  }

  touchDevice(id: string, at: number): Promise<void> {
    return this.#run(async () => {
      await updateJson<StoredDevice>(
        this.#kv,
        deviceKey(id),
        (device) => ({ ...device, lastSeen: at }),
      );
    });
  }

  removeDevice(id: string): Promise<boolean> {
    return this.#run(async () => {
      while (true) {
        const current = await readJson<Device>(this.#kv, deviceKey(id));
        if (current === undefined) return false;
        if (!await deleteAt(this.#kv, deviceKey(id), current.revision)) continue;
        await this.#kv.delete(ownerDeviceKey(current.value.owner, id));
        return true;
      }
    });
  }

  claimNick(nick: string, owner: string, since: number): Promise<NickClaim> {
    return this.#run(async () => {
      const key = nickRecordKey(nick);
      const index = ownerNickKey(owner, nick);
      while (true) {
        // Before the claim, so a node dying right after it leaves the claim listed.
        await this.#kv.put(index, "");
        try {
          await this.#kv.create(key, jsonBytes({ nick, owner, since } satisfies StoredNick));
          // Again after it: a release by the same owner racing this claim may have removed the
          // entry between the two (the release removes only the revision it read).
          await this.#kv.put(index, "");
          return { owner, since };
        } catch (error) {
          if (!isWrongRevision(error)) throw error;
        }
        const current = await readJson<StoredNick>(this.#kv, key);
        // Undefined: released between our create and this read; claim again.
        if (current === undefined) continue;
        if (current.value.owner !== owner) await this.#removeIndex(index);
        return { owner: current.value.owner, since: current.value.since };
      }
    });
  }

  nickOwner(nick: string): Promise<NickClaim | undefined> {
    return this.#run(async () => {
      const current = await readJson<StoredNick>(this.#kv, nickRecordKey(nick));
      return current === undefined
        ? undefined
        : { owner: current.value.owner, since: current.value.since };
    });
  }

  releaseNick(nick: string): Promise<boolean> {
    return this.#run(async () => {
      const key = nickRecordKey(nick);
      while (true) {
        const current = await readJson<StoredNick>(this.#kv, key);
        if (current === undefined) return false;
        const index = ownerNickKey(current.value.owner, nick);
        const indexEntry = await this.#kv.get(index);
        if (!await deleteAt(this.#kv, key, current.revision)) continue;
        // Only the index revision read before the release: a claim that put it again since
        // then owns the nick now and keeps it listed.
        if (indexEntry !== null && indexEntry.operation === "PUT") {
          await deleteAt(this.#kv, index, indexEntry.revision);
        }
        return true;
      }
    });
  }

  nicksOf(owner: string): Promise<string[]> {
    return this.#run(async () => {
      const keys = await listKeys(this.#context, BUCKET, `owner.${keyToken(owner)}.nick.*`);
      const claims = await Promise.all(
        keys.map((key) => readJson<StoredNick>(this.#kv, `nick.${key.split(".")[3]}`)),
      );
      return claims.flatMap((entry) => entry?.value.owner === owner ? [entry.value.nick] : [])
        .sort();
    });
  }

  addInvite(invite: Invite): Promise<void> {
    return this.#run(async () => {
      await this.#kv.put(inviteKey(invite.tokenHash), jsonBytes(invite));
    });
  }

  invite(tokenHash: string, now: number): Promise<Invite | undefined> {
    return this.#run(async () => {
      const invite = (await readJson<Invite>(this.#kv, inviteKey(tokenHash)))?.value;
      return invite === undefined || invite.expires < now ? undefined : invite;
    });
  }

  addLinkCode(code: { codeHash: string; owner: string; expires: number }): Promise<void> {
    return this.#run(async () => {
      const stored: StoredLinkCode = { owner: code.owner, expires: code.expires };
      await this.#kv.put(linkKey(code.codeHash), jsonBytes(stored));
    });
  }

  takeLinkCode(codeHash: string, now: number): Promise<string | undefined> {
    const mark = crypto.randomUUID();
    return this.#run(async () => {
      const key = linkKey(codeHash);
      while (true) {
        const current = await readJson<StoredLinkCode>(this.#kv, key);
        if (current === undefined) return undefined;
        const code = current.value;
        // A retry of this very take after its answer was lost.
        if (code.taken === mark) return await this.#forgetTaken(key, code.owner);
        if (code.taken !== undefined) return undefined;
        if (code.expires < now) {
          await deleteAt(this.#kv, key, current.revision);
          return undefined;
        }
        try {
          // Marked rather than deleted, so that a retry can tell its own take from another's.
          await this.#kv.update(key, jsonBytes({ ...code, taken: mark }), current.revision);
          return await this.#forgetTaken(key, code.owner);
        } catch (error) {
          if (!isWrongRevision(error)) throw error;
        }
      }
    });
  }

  sweep(now: number): Promise<number> {
    return this.#run(async () => {
      let removed = 0;
      await eachLimited(await listKeys(this.#context, BUCKET, "invite.*"), async (key) => {
        const current = await readJson<Invite>(this.#kv, key);
        if (current !== undefined && current.value.expires < now) {
          removed += Number(await deleteAt(this.#kv, key, current.revision));
        }
      });
      await eachLimited(await listKeys(this.#context, BUCKET, "link.*"), async (key) => {
        const current = await readJson<StoredLinkCode>(this.#kv, key);
        if (current === undefined) return;
        const { taken, expires } = current.value;
        // A taken code that outlived its take (its node died before deleting it) was used up
        // already: removing it is tidying, not expiry.
        if (taken !== undefined) await deleteAt(this.#kv, key, current.revision);
        else if (expires < now) removed += Number(await deleteAt(this.#kv, key, current.revision));
      });
      return removed;
    });
  }

  /** Stops using the bucket; the connection belongs to the context and stays open. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Deletes a taken code (tidying: it is used up already) and resolves with its owner. */
  async #forgetTaken(key: string, owner: string): Promise<string> {
    const taken = await this.#kv.get(key);
    if (taken !== null && taken.operation === "PUT") await deleteAt(this.#kv, key, taken.revision);
    return owner;
  }

  /** Removes an index entry this node put for a claim that lost. */
  async #removeIndex(index: string): Promise<void> {
    const entry = await this.#kv.get(index);
    if (entry !== null && entry.operation === "PUT") {
      await deleteAt(this.#kv, index, entry.revision);
    }
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The identity store is closed"));
    return retrying(work);
  }
}

function deviceKey(id: string): string {
  return `device.${keyToken(id)}`;
}

function nickRecordKey(nick: string): string {
  return `nick.${keyToken(nickKey(nick))}`;
}

function inviteKey(tokenHash: string): string {
  return `invite.${keyToken(tokenHash)}`;
}

function linkKey(codeHash: string): string {
  return `link.${keyToken(codeHash)}`;
}

function ownerDeviceKey(owner: string, id: string): string {
  return `owner.${keyToken(owner)}.device.${keyToken(id)}`;
}

function ownerNickKey(owner: string, nick: string): string {
  return `owner.${keyToken(owner)}.nick.${keyToken(nickKey(nick))}`;
}

/** The device without the mark of the call that added it. */
function withoutMark(stored: StoredDevice): Device {
  const { added: _added, ...device } = stored;
  return device;
}
