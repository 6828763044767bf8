/**
 * The {@linkcode Registry} of a cluster: who holds which nick, who is in which room and who is
 * away, in one JetStream KV bucket (`${prefix}_registry`) that every node shares.
 *
 * Why it has this shape:
 * - Writes go to the servers; a nick changes hands only by a compare-and-set on its key (create
 *   when free, update or delete at the revision read), so two nodes can never give one nick to
 *   two holders.
 * - Reads (`members()`, `count()`, `rooms()`, `holder()`, on every join and `/who`) are answered
 *   from a {@linkcode RegistryView} that a watch of the bucket keeps current. Each write waits
 *   until the watch has delivered its revision, so a node reads its own writes.
 * - Holder ids are `${node}/m${n}`. Each node rewrites its heartbeat key every
 *   `heartbeatMs`; every node checks the others every `checkMs` and, when one's heartbeat is
 *   `deadAfterMs` older than the newest server timestamp it has seen (the servers' clock, not
 *   this machine's) and it missed as many of the checker's own heartbeats (so a leader
 *   election, when nobody can write, kills nobody), deletes that node's claims, memberships and away marks, each at the
 *   revision it saw, so several nodes cleaning up at once do no harm. A node that opens again
 *   under its name first removes what its previous run left (its member numbers start again).
 * - The heartbeat doubles as the watch's watchdog: nats-server 2.9.10 may leave an ordered
 *   consumer stalled after a server is killed, so when a heartbeat is not seen in time the
 *   watch is recreated from the last revision applied.
 *
 * @module
 */
import type { KV } from "@nats-io/kv";
import { JetStreamApiCodes, JetStreamApiError, PubHeaders } from "@nats-io/jetstream";
import { Empty, headers } from "@nats-io/transport-node";
import type { Registry, RoomCount } from "../../chat/registry.ts";
import type { NatsContext } from "./context.ts";
import {
  awayEntryKey,
  nickEntryKey,
  nodeEntryKey,
  RegistryView,
  roomEntryKey,
} from "./_registry_view.ts";
import { createBucket } from "./_create_bucket.ts";

/** Default time between two heartbeats of a node. */
const HEARTBEAT_MS = 1_000;
/** Default silence after which a node counts as dead: several missed heartbeats. */
const DEAD_AFTER_MS = 5_000;
/**
 * How long a write waits for the watch to deliver it before the watch is taken for stalled and
 * recreated (the write itself succeeded; reads may lag until the new watch catches up).
 */
const SEEN_TIMEOUT_MS = 5_000;
/** How many compare-and-set rounds a claim tries before giving up under contention. */
const MAX_ATTEMPTS = 20;

/** Settings of {@linkcode KvRegistry.open}; tests use short times. */
export interface KvRegistryOptions {
  /** Time between two heartbeats of this node; default 1 s. */
  heartbeatMs?: number;
  /** Heartbeat silence after which another node counts as dead; default 5 s. */
  deadAfterMs?: number;
  /** Time between two checks for dead nodes; default the heartbeat's. */
  checkMs?: number;
}

/**
 * A {@linkcode Registry} shared by every node of a cluster through JetStream KV.
 *
 * @example
 * ```ts ignore
 * const registry = await KvRegistry.open(context);
 * await registry.claim("Ada", `${context.node}/m1`);
 * await registry.close();
 * ```
 */
export class KvRegistry implements Registry {
  readonly #context: NatsContext;
  readonly #kv: KV;
  readonly #bucket: string;
  readonly #view: RegistryView;
  readonly #heartbeatMs: number;
  readonly #deadAfterMs: number;
  readonly #checkMs: number;
  #watch: { stop(): void; done: Promise<void> } | undefined;
  readonly #waiters = new Set<{ revision: number; resolve(): void }>();
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  readonly #busy = new Set<Promise<void>>();
  #checking = false;
  /** The oldest heartbeat written that the watch has not shown yet, and when it was written. */
  #unseen: { revision: number; at: number } | undefined;
  /** A catch-up is under way: another beat does not start a second one. */
  #catchingUp = false;
  /** The last heartbeat written, and when: the watchdog expects to see it. */
  #heartbeat: { revision: number; at: number } | undefined;
  #closed = false;

  private constructor(context: NatsContext, kv: KV, options: KvRegistryOptions) {
    this.#context = context;
    this.#kv = kv;
    this.#bucket = `${context.prefix}_registry`;
    this.#view = new RegistryView(context.node);
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.#deadAfterMs = options.deadAfterMs ?? DEAD_AFTER_MS;
    this.#checkMs = options.checkMs ?? this.#heartbeatMs;
  }

  /**
   * Creates the bucket unless another node did, follows it, announces this node, removes what a
   * previous run of this node left, and starts the heartbeat and the checks for dead nodes.
   */
  static async open(context: NatsContext, options: KvRegistryOptions = {}): Promise<KvRegistry> {
    const kv = await createBucket(context, `${context.prefix}_registry`, {
      replicas: context.replicas,
      history: 1,
    });
    const registry = new KvRegistry(context, kv, options);
    await registry.#start();
    return registry;
  }

  async claim(nick: string, holder: string): Promise<boolean> {
    const key = nickEntryKey(nick);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.#kv.get(key);
      const current = entry?.operation === "PUT" ? entry.json<{ holder: string }>() : undefined;
      if (current !== undefined && current.holder !== holder) return false;
      const revision = await this.#put(key, JSON.stringify({ holder, nick }), entry?.revision ?? 0);
      if (revision === undefined) continue;
      await this.#seen(Math.max(revision, await this.#dropOtherNicks(holder, key)));
      return true;
    }
    throw new Error(`Nick ${nick} changed hands too often to be claimed; try again.`);
  }

  async take(nick: string, holder: string): Promise<string | undefined> {
    const key = nickEntryKey(nick);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.#kv.get(key);
      const previous = entry?.operation === "PUT"
        ? entry.json<{ holder: string }>().holder
        : undefined;
      const revision = await this.#put(key, JSON.stringify({ holder, nick }), entry?.revision ?? 0);
      if (revision === undefined) continue;
      const revisions = [revision, await this.#dropOtherNicks(holder, key)];
      // The replaced holder's away mark would outlive it: it no longer holds a nick to release.
      if (previous !== undefined && previous !== holder) {
        revisions.push(await this.#deleteSeen(this.#view.awayRevision(previous)));
      }
      await this.#seen(Math.max(...revisions));
      return previous === holder ? undefined : previous;
    }
    throw new Error(`Nick ${nick} changed hands too often to be taken; try again.`);
  }

  async release(nick: string, holder: string): Promise<void> {
    const key = nickEntryKey(nick);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.#kv.get(key);
      if (entry?.operation !== "PUT" || entry.json<{ holder: string }>().holder !== holder) return;
      const revision = await this.#delete(key, entry.revision);
      if (revision === undefined) continue;
      const away = await this.#deleteSeen(this.#view.awayRevision(holder));
      await this.#seen(Math.max(revision, away));
      return;
    }
  }

  holder(nick: string): Promise<{ holder: string; nick: string } | undefined> {
    return Promise.resolve(this.#view.holder(nick));
  }

  async enter(room: string, holder: string): Promise<void> {
    if (this.#view.isIn(room, holder)) return;
    await this.#seen((await this.#put(roomEntryKey(room, holder), Empty))!);
  }

  async leave(room: string, holder: string): Promise<void> {
    if (!this.#view.isIn(room, holder)) return;
    await this.#seen((await this.#delete(roomEntryKey(room, holder)))!);
  }

  members(room: string, limit?: number): Promise<string[]> {
    return Promise.resolve(this.#view.members(room, limit));
  }

  count(room: string): Promise<number> {
    return Promise.resolve(this.#view.count(room));
  }

  rooms(): Promise<RoomCount[]> {
    return Promise.resolve(this.#view.rooms());
  }

  online(): Promise<number> {
    return Promise.resolve(this.#view.online());
  }

  async setAway(holder: string, text: string | undefined): Promise<void> {
    if (text === undefined) {
      await this.#seen(await this.#deleteSeen(this.#view.awayRevision(holder)));
    } else if (this.#view.nickOf(holder) !== undefined) {
      await this.#seen((await this.#put(awayEntryKey(holder), text))!);
    }
  }

  awayIn(room: string): Promise<string[]> {
    return Promise.resolve(this.#view.awayIn(room));
  }

  /**
   * Stops the heartbeat, the checks and the watch, and leaves the bucket as it is: the other
   * nodes clean up after this one once its heartbeat is overdue, as after a crash. The
   * connection belongs to the context and stays open.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    const watch = this.#watch;
    this.#stopWatch();
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
    await Promise.allSettled([...this.#busy, watch?.done]);
  }

  async #start(): Promise<void> {
    await this.#follow(0);
    await this.#beat();
    await this.#seen(this.#heartbeat!.revision);
    await this.#removeNode(this.#context.node);
    this.#timers.push(
      setInterval(() => this.#run(() => this.#beat()), this.#heartbeatMs),
      setInterval(() => this.#run(() => this.#check()), this.#checkMs),
    );
  }

  /** Runs a timer's task, keeping it until it ends so that `close()` can wait for it. */
  #run(task: () => Promise<void>): void {
    if (this.#closed) return;
    const running = task().catch(() => {
      // The servers are away or electing a leader: the next round tries again.
    }).finally(() => this.#busy.delete(running));
    this.#busy.add(running);
  }

  /** Starts (or restarts) the watch from the revision after `revision`. */
  async #follow(revision: number): Promise<void> {
    const iterator = await this.#kv.watch(
      revision > 0 ? { resumeFromRevision: revision + 1 } : {},
    );
    const done = (async () => {
      for await (const entry of iterator) {
        this.#view.apply(entry);
        this.#wake();
      }
    })().catch(() => {
      // The watch failed: the watchdog recreates it when the next heartbeat goes unseen.
    });
    this.#watch = { stop: () => iterator.stop(), done };
  }

  /** Resolves the writes waiting for a revision the view has reached. */
  #wake(): void {
    for (const waiter of this.#waiters) {
      if (waiter.revision <= this.#view.revision) {
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  #stopWatch(): void {
    this.#watch?.stop();
    this.#watch = undefined;
  }

  /** Recreates the watch where the view stopped, unless closed. */
  async #restartWatch(): Promise<void> {
    this.#stopWatch();
    if (!this.#closed) await this.#follow(this.#view.revision);
  }

  /**
   * Writes the heartbeat, after catching the view up if the watch missed the previous one: the
   * missing revisions are read one by one (a direct get by sequence needs no consumer, and a new
   * consumer may take seconds to be made while a server is missing), then the watch is made
   * again from there.
   */
  async #beat(): Promise<void> {
    const unseen = this.#unseen;
    if (unseen !== undefined && this.#view.revision >= unseen.revision) this.#unseen = undefined;
    else if (
      unseen !== undefined && !this.#catchingUp && Date.now() - unseen.at > 3 * this.#heartbeatMs
    ) {
      // The oldest heartbeat the watch has not shown is three beats old: it stalled.
      this.#catchingUp = true;
      try {
        this.#stopWatch();
        await this.#catchUp(this.#heartbeat?.revision ?? unseen.revision);
        await this.#restartWatch();
        this.#unseen = undefined;
      } finally {
        this.#catchingUp = false;
      }
    }
    const revision = await this.#kv.put(nodeEntryKey(this.#context.node), Empty);
    this.#heartbeat = { revision, at: Date.now() };
    this.#unseen ??= this.#heartbeat;
  }

  /** Applies to the view, read straight from the bucket's stream, the revisions up to `upTo`. */
  async #catchUp(upTo: number): Promise<void> {
    const stream = `KV_${this.#bucket}`;
    const prefix = `$KV.${this.#bucket}.`;
    for (let seq = this.#view.revision + 1; seq <= upTo && !this.#closed; seq++) {
      let message;
      try {
        message = await this.#context.jsm.streams.getMessage(stream, { seq });
      } catch (error) {
        // Gone (an older revision of a key that was written again): nothing to apply for it.
        // Anything else (no answer during an election) stops here: the next beat goes on.
        if (/no message found/i.test(String(error))) continue;
        throw error;
      }
      if (message === null) continue;
      const operation = message.header?.get("KV-Operation");
      this.#view.apply({
        key: message.subject.slice(prefix.length),
        operation: operation === "DEL" || operation === "PURGE" ? operation : "PUT",
        value: message.data,
        revision: message.seq,
        created: message.time,
      });
    }
    this.#wake();
  }

  /** Cleans up after every node found dead, one at a time. */
  async #check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      for (
        const dead of this.#view.deadNodes(
          this.#deadAfterMs,
          Math.ceil(this.#deadAfterMs / this.#heartbeatMs),
        )
      ) {
        await this.#removeNode(dead.node);
        if (dead.heartbeat !== undefined) {
          await this.#seen(await this.#deleteSeen(dead.heartbeat));
        }
      }
    } finally {
      this.#checking = false;
    }
  }

  /** Deletes every claim, membership and away mark of `node`'s holders, as the view has them. */
  async #removeNode(node: string): Promise<void> {
    const revisions = await Promise.all(
      this.#view.keysOfNode(node).map((entry) => this.#deleteSeen(entry)),
    );
    await this.#seen(Math.max(0, ...revisions));
  }

  /** Deletes the holder's claims other than `keep`'s; the newest revision written, or 0. */
  async #dropOtherNicks(holder: string, keep: string): Promise<number> {
    const revisions = await Promise.all(
      this.#view.otherNicksOf(holder, keep).map((entry) => this.#deleteSeen(entry)),
    );
    return Math.max(0, ...revisions);
  }

  /** Resolves once the view has applied `revision`, or after a while, restarting the watch. */
  #seen(revision: number): Promise<void> {
    if (revision <= this.#view.revision || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        this.#run(() => this.#restartWatch());
        resolve();
      }, SEEN_TIMEOUT_MS);
      this.#waiters.add(waiter);
    });
  }

  /** Puts `value` at `key`, at revision `previous` if given; undefined if it had moved on. */
  async #put(
    key: string,
    value: string | Uint8Array,
    previous?: number,
  ): Promise<number | undefined> {
    try {
      return await this.#kv.put(
        key,
        value,
        previous === undefined ? {} : { previousSeq: previous },
      );
    } catch (error) {
      if (isWrongRevision(error)) return undefined;
      throw error;
    }
  }

  /**
   * Deletes `key`, at revision `previous` if given; its revision, or undefined if the key had
   * moved on. Published by hand because `KV.delete()` does not say the revision it wrote.
   */
  async #delete(key: string, previous?: number): Promise<number | undefined> {
    const header = headers();
    header.set("KV-Operation", "DEL");
    if (previous !== undefined) {
      header.set(PubHeaders.ExpectedLastSubjectSequenceHdr, `${previous}`);
    }
    try {
      const ack = await this.#context.js.publish(`$KV.${this.#bucket}.${key}`, Empty, {
        headers: header,
      });
      return ack.seq;
    } catch (error) {
      if (isWrongRevision(error)) return undefined;
      throw error;
    }
  }

  /** Deletes `entry` at its revision, if any; the revision written, or 0 when none was. */
  async #deleteSeen(entry: { key: string; revision: number } | undefined): Promise<number> {
    if (entry === undefined) return 0;
    return await this.#delete(entry.key, entry.revision) ?? 0;
  }
}

/** Whether a publish failed because the key's revision was not the one expected. */
function isWrongRevision(error: unknown): boolean {
  return error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}
