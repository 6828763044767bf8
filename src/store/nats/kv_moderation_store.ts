/**
 * The host controls of a cluster: operators, bans, mutes and room settings in the JetStream
 * key-value bucket `${prefix}_moderation`, the audit log in the stream `${prefix}_audit`.
 *
 * Every question is answered from a view in memory, as the SQLite store answers from the tables
 * it read at open: a post never waits for a network round trip to learn whether its author is
 * muted. A watch of the whole bucket keeps the view current, so a ban or mute decided on one
 * node holds on every other within a moment; a change made here is put in the view as soon as
 * the bucket acknowledged it, so this node reads its own writes at once. Each key's revision
 * travels with its value in the view, and an older revision never replaces a newer one, so the
 * watch and this node's own writes may arrive in either order.
 *
 * The keys (every variable part a {@linkcode keyToken}, as any text may be a nick or a room):
 * `op.<nickKey>`, `ban.owner.<owner>`, `ban.address.<address>`, `mute.<owner>`, `room.<room>`,
 * each holding JSON. A ban of the same owner or address replaces the older one because it is the
 * same key. Lifting a ban or a mute, or an operator's role, deletes the key only if it still
 * holds what was read (compare-and-set), so a ban decided on another node in between is not
 * lifted unseen.
 *
 * An ordered consumer may stall after its server is killed (seen with nats-server 2.9.10 in
 * issue 17): a watchdog compares the view's revision with the stream's last sequence and, when
 * the stream moved on and the view did not for a whole period, watches again from where the view
 * stopped.
 *
 * @module
 */
import { headers, type QueuedIterator } from "@nats-io/transport-node";
import type { KV, KvEntry, KvWatchEntry } from "@nats-io/kv";
import {
  type AuditEntry,
  type Ban,
  DEFAULT_ROOM_SETTINGS,
  type ModerationStore,
  type Mute,
  type RoomSettings,
} from "../../chat/moderation_store.ts";
import { nickKey } from "../../protocol/names.ts";
import {
  assertBanTarget,
  banMatches,
  inForce,
  withoutUndefined,
} from "../memory_moderation_store.ts";
import type { NatsContext } from "./context.ts";
import { isConflict, keyToken, textOfToken } from "./_kv.ts";
import { AuditStream } from "./_audit_stream.ts";
import { createBucket } from "./_create_bucket.ts";

/** How often the watchdog looks at the watch; a stalled watch is replaced within two periods. */
const WATCHDOG_MS = 2000;

/** How long `open` waits for the view to hold everything the bucket held when it began. */
const LOAD_TIMEOUT_MS = 30_000;

/** Compare-and-set rounds a removal may lose to other writers of the same key. */
const MAX_REMOVE_ROUNDS = 100;

/** What the view knows of one key: its revision, and its value (undefined: deleted). */
interface Known {
  revision: number;
  value: unknown;
}

/**
 * A {@linkcode ModerationStore} shared by every node of a cluster.
 *
 * @example
 * ```ts ignore
 * const store = await KvModerationStore.open(context);
 * await store.addMute({ owner: "o2", nick: "ben", by: "ana", at: Date.now() });
 * await store.muteOf("o2", Date.now()); // on every node within a moment
 * await store.close();
 * ```
 */
export class KvModerationStore implements ModerationStore {
  readonly #context: NatsContext;
  readonly #kv: KV;
  readonly #bucket: string;
  readonly #audit: AuditStream;
  readonly #view = new Map<string, Known>();
  /** The highest revision the watch delivered. */
  #applied = 0;
  #caughtUp: { revision: number; resolve(): void } | undefined;
  #watch: QueuedIterator<KvWatchEntry> | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  /** The view's revision when the watchdog last found it behind the stream; -1: not behind. */
  #behindAt = -1;
  #checking = false;
  #closed = false;

  private constructor(context: NatsContext, kv: KV, bucket: string, audit: AuditStream) {
    this.#context = context;
    this.#kv = kv;
    this.#bucket = bucket;
    this.#audit = audit;
  }

  /**
   * Opens the bucket `${context.prefix}_moderation` and the stream `${context.prefix}_audit`,
   * creating them when no node has yet, and reads the bucket into the view. The connection
   * stays the caller's: `close()` does not close it.
   *
   * @throws {Error} when the bucket cannot be read within 30 seconds.
   */
  static async open(context: NatsContext): Promise<KvModerationStore> {
    const bucket = `${context.prefix}_moderation`;
    const kv = await createBucket(context, bucket, { history: 1, replicas: context.replicas });
    const audit = await AuditStream.open(context);
    const store = new KvModerationStore(context, kv, bucket, audit);
    try {
      await store.#load();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  setOperator(nick: string, operator: boolean): Promise<boolean> {
    const key = `op.${keyToken(nickKey(nick))}`;
    return this.#remote(async () => {
      if (!operator) return await this.#removeIf(key, () => true);
      try {
        this.#remember(key, await this.#kv.create(key, "true"), true);
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    });
  }

  isOperator(nick: string): Promise<boolean> {
    return this.#read(() => this.#value(`op.${keyToken(nickKey(nick))}`) !== undefined);
  }

  operators(): Promise<string[]> {
    return this.#read(() =>
      this.#present("op.").map(([key]) => textOfToken(key.slice("op.".length))).sort()
    );
  }

  addBan(ban: Ban): Promise<void> {
    return this.#remote(async () => {
      assertBanTarget(ban);
      await this.#put(banKey(ban), withoutUndefined(ban));
    });
  }

  removeBans(target: { nick?: string; address?: string }): Promise<number> {
    return this.#remote(async () => {
      // The bucket rather than the view: a ban decided on another node a moment ago is lifted too.
      const keys: string[] = [];
      for await (const entry of await this.#kv.history({ key: "ban.>" })) {
        if (entry.operation === "PUT" && banMatches(entry.json<Ban>(), target)) {
          keys.push(entry.key);
        }
      }
      let lifted = 0;
      for (const key of keys) {
        if (await this.#removeIf(key, (ban) => banMatches(ban as Ban, target))) lifted++;
      }
      return lifted;
    });
  }

  bans(now: number): Promise<Ban[]> {
    return this.#read(() =>
      this.#present("ban.")
        .sort(([, a], [, b]) => a.revision - b.revision)
        .map(([, known]) => known.value as Ban)
        .filter((ban) => inForce(ban, now))
        .map((ban) => ({ ...ban }))
    );
  }

  addMute(mute: Mute): Promise<void> {
    return this.#remote(() => this.#put(`mute.${keyToken(mute.owner)}`, withoutUndefined(mute)));
  }

  removeMute(owner: string): Promise<boolean> {
    return this.#remote(() => this.#removeIf(`mute.${keyToken(owner)}`, () => true));
  }

  muteOf(owner: string, now: number): Promise<Mute | undefined> {
    return this.#read(() => {
      const mute = this.#value(`mute.${keyToken(owner)}`) as Mute | undefined;
      return mute !== undefined && inForce(mute, now) ? { ...mute } : undefined;
    });
  }

  roomSettings(room: string): Promise<RoomSettings> {
    return this.#read(() => ({
      // Defaults first: a setting added by a newer chat has its default in older rooms.
      ...DEFAULT_ROOM_SETTINGS,
      ...(this.#value(`room.${keyToken(room)}`) as RoomSettings | undefined),
    }));
  }

  setRoomSettings(room: string, settings: RoomSettings): Promise<void> {
    return this.#remote(() => this.#put(`room.${keyToken(room)}`, { ...settings }));
  }

  appendAudit(entry: Omit<AuditEntry, "id">): Promise<AuditEntry> {
    return this.#remote(() => this.#audit.append(entry));
  }

  audit(options: { before?: number; limit: number }): Promise<AuditEntry[]> {
    return this.#remote(() => this.#audit.page(options));
  }

  /** Stops the watch and the watchdog; the connection stays open. */
  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watchdog);
    this.#watch?.stop();
    return Promise.resolve();
  }

  /** Watches the bucket and waits until the view holds all the bucket held when it began. */
  async #load(): Promise<void> {
    const { state } = await this.#context.jsm.streams.info(`KV_${this.#bucket}`);
    const loaded = new Promise<void>((resolve) => {
      this.#caughtUp = { revision: state.messages === 0 ? 0 : state.last_seq, resolve };
    });
    await this.#follow(0);
    this.#settleLoad();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `The host controls in ${this.#bucket} could not be read within ${LOAD_TIMEOUT_MS} ms; check that the NATS servers are reachable and try again`,
            ),
          ),
        LOAD_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([loaded, timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.#watchdog = setInterval(() => void this.#checkWatch(), WATCHDOG_MS);
  }

  /** Starts a watch of the whole bucket, from revision `from` (0: each key's last value). */
  async #follow(from: number): Promise<void> {
    const watch = await this.#kv.watch(from > 0 ? { resumeFromRevision: from } : {});
    if (this.#closed) {
      watch.stop();
      return;
    }
    this.#watch = watch;
    (async () => {
      for await (const entry of watch) this.#take(entry);
    })().catch(() => {
      // The watch broke off: the watchdog starts another when the bucket moves on.
    });
  }

  /** Applies what the watch delivered. */
  #take(entry: KvEntry): void {
    this.#remember(entry.key, entry.revision, entry.operation === "PUT" ? entry.json() : undefined);
    this.#applied = Math.max(this.#applied, entry.revision);
    this.#settleLoad();
  }

  #settleLoad(): void {
    if (this.#caughtUp !== undefined && this.#applied >= this.#caughtUp.revision) {
      this.#caughtUp.resolve();
      this.#caughtUp = undefined;
    }
  }

  /** Replaces the watch when the bucket moved on and the view did not for a whole period. */
  async #checkWatch(): Promise<void> {
    if (this.#checking || this.#closed) return;
    this.#checking = true;
    try {
      const { state } = await this.#context.jsm.streams.info(`KV_${this.#bucket}`);
      if (state.last_seq <= this.#applied) {
        this.#behindAt = -1;
      } else if (this.#behindAt !== this.#applied) {
        this.#behindAt = this.#applied;
      } else {
        this.#watch?.stop();
        this.#behindAt = -1;
        await this.#follow(this.#applied + 1);
      }
    } catch {
      // NATS unreachable for now: look again next period.
    } finally {
      this.#checking = false;
    }
  }

  /** Puts what the view knows of `key` at `revision`, unless it knows a newer revision. */
  #remember(key: string, revision: number, value: unknown): void {
    const known = this.#view.get(key);
    if (known === undefined || known.revision < revision) this.#view.set(key, { revision, value });
  }

  #value(key: string): unknown {
    return this.#view.get(key)?.value;
  }

  /** The keys under `prefix` that hold a value, with what the view knows of them. */
  #present(prefix: string): [string, Known][] {
    return [...this.#view].filter(([key, known]) =>
      key.startsWith(prefix) && known.value !== undefined
    );
  }

  async #put(key: string, value: unknown): Promise<void> {
    this.#remember(key, await this.#kv.put(key, JSON.stringify(value)), value);
  }

  /**
   * Deletes `key` if it holds a value that `matches` still when it is deleted; whether it did.
   */
  async #removeIf(key: string, matches: (value: unknown) => boolean): Promise<boolean> {
    for (let round = 0; round < MAX_REMOVE_ROUNDS; round++) {
      const entry = await this.#kv.get(key);
      if (entry === null || entry.operation !== "PUT") return false;
      const value = entry.json();
      this.#remember(key, entry.revision, value);
      if (!matches(value)) return false;
      try {
        this.#remember(key, await this.#delete(key, entry.revision), undefined);
        return true;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`${key} changed ${MAX_REMOVE_ROUNDS} times while it was removed; try again`);
  }

  /**
   * Deletes `key` if its revision is still `revision`, as `KV.delete` does (a delete marker),
   * and resolves with the marker's revision, which `KV.delete` does not give.
   */
  async #delete(key: string, revision: number): Promise<number> {
    const marker = headers();
    marker.set("KV-Operation", "DEL");
    const ack = await this.#context.js.publish(`$KV.${this.#bucket}.${key}`, new Uint8Array(), {
      headers: marker,
      expect: { lastSubjectSequence: revision },
    });
    return ack.seq;
  }

  #read<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The moderation store is closed"));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #remote<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The moderation store is closed"));
    return work();
  }
}

/** The key of a ban: its owner's or its address's, so a new ban of either replaces the old. */
function banKey(ban: Ban): string {
  return ban.owner !== undefined
    ? `ban.owner.${keyToken(ban.owner)}`
    : `ban.address.${keyToken(ban.address ?? "")}`;
}
