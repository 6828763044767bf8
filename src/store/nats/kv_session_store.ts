/**
 * The login sessions of a cluster in one NATS KV bucket, `${prefix}_sessions`, so that a client
 * whose node died resumes its session on another node with the same token.
 *
 * Keys (every free-text part is a {@linkcode keyToken}, base64url of its UTF-8):
 *
 * | key                         | value                                                     |
 * | --------------------------- | --------------------------------------------------------- |
 * | `session.<id>`              | the session, its `tokenHash`, `holder` and creation mark  |
 * | `token.<tokenHash>`         | `{ id, mark }`: where `find()` looks                      |
 * | `nick.<nickKey(nick)>.<id>` | empty: index of `findDropped()`, checked against the nick |
 *
 * Why it has this shape:
 * - A session held by a connection records the node holding it (`holder`). `releaseAll()` is
 *   what a node does when it starts: none of *its* connections survived, but the other nodes'
 *   did, so it releases only the sessions it held. {@linkcode KvSessionStore.releaseHeldBy}
 *   releases those of a node that died for good.
 * - Expiry is a field of the value, checked on every read: per-key TTL is ignored by
 *   nats-server 2.9.10, and `sweep()` deletes what expired. Every change of a session is an
 *   update at the revision read, so a sweep never deletes a session another node has just taken
 *   up again.
 * - The nick index is written before the session and the session is deleted before the index,
 *   so a node that dies in between leaves at most an entry that readers check and skip.
 * - `wipe()` purges the whole stream (never by subject: see `_kv_cas.ts`), leaving no marker
 *   that names a token hash.
 *
 * @example
 * ```ts ignore
 * import { assertEquals } from "@std/assert";
 * import { connectCluster } from "./context.ts";
 * import { KvSessionStore } from "./kv_session_store.ts";
 *
 * const context = await connectCluster({ servers: ["nats://127.0.0.1:4222"], node: "a" });
 * const store = await KvSessionStore.open(context);
 * const session = { id: "s1", nick: "ada", owner: "o1", since: 0, expires: null };
 * await store.create("hash-of-token", session);
 * assertEquals(await store.find("hash-of-token", Date.now()), session);
 * await store.close();
 * await context.nc.close();
 * ```
 *
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { LoginSession, SessionStore } from "../../chat/session_store.ts";
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
const BUCKET = "sessions";

/** A session as stored. */
interface StoredSession extends LoginSession {
  tokenHash: string;
  /** The node whose connection holds it, or null once released. */
  holder: string | null;
  /** The random mark of the `create()` that stored it. */
  mark: string;
}

/** Where a token hash points. */
interface StoredToken {
  id: string;
  mark: string;
}

/**
 * A {@linkcode SessionStore} on NATS KV, shared by every node of a cluster with the same prefix.
 *
 * @example
 * ```ts ignore
 * const store = await KvSessionStore.open(context);
 * const session = await store.find(tokenHash, Date.now());
 * ```
 */
export class KvSessionStore implements SessionStore {
  readonly #kv: KV;
  readonly #stream: string;
  readonly #context: NatsContext;
  #closed = false;

  private constructor(kv: KV, context: NatsContext) {
    this.#kv = kv;
    this.#stream = `KV_${context.prefix}_${BUCKET}`;
    this.#context = context;
  }

  /** Opens the bucket `${context.prefix}_sessions`, creating it if no node has yet. */
  static async open(context: NatsContext): Promise<KvSessionStore> {
    return new KvSessionStore(await retrying(() => openBucket(context, BUCKET)), context);
  }

  create(tokenHash: string, session: LoginSession): Promise<void> {
    const mark = crypto.randomUUID();
    return this.#run(async () => {
      const stored: StoredSession = {
        ...session,
        tokenHash,
        holder: session.expires === null ? this.#context.node : null,
        mark,
      };
      const key = sessionKey(session.id);
      await this.#kv.put(nickIndexKey(session.nick, session.id), "");
      // A retry of this very call after its answer was lost finds its own records.
      if (!await this.#createOwn(key, stored, mark)) {
        throw new Error(`A session with the id ${session.id} exists already`);
      }
      const token: StoredToken = { id: session.id, mark };
      if (!await this.#createOwn(tokenKey(tokenHash), token, mark)) {
        const mine = await readJson<StoredSession>(this.#kv, key);
        if (mine?.value.mark === mark && await deleteAt(this.#kv, key, mine.revision)) {
          await this.#kv.delete(nickIndexKey(session.nick, session.id));
        }
        throw new Error(`A session with this token exists already`);
      }
    });
  }

  find(tokenHash: string, now: number): Promise<LoginSession | undefined> {
    return this.#run(async () => {
      const token = await readJson<StoredToken>(this.#kv, tokenKey(tokenHash));
      if (token === undefined) return undefined;
      const stored = await readJson<StoredSession>(this.#kv, sessionKey(token.value.id));
      if (stored === undefined || stored.value.tokenHash !== tokenHash) return undefined;
      return expired(stored.value, now) ? undefined : loginSession(stored.value);
    });
  }

  findDropped(nick: string, now: number): Promise<LoginSession | undefined> {
    return this.#run(async () => {
      const key = nickKey(nick);
      const ids = (await listKeys(this.#context, BUCKET, `nick.${keyToken(key)}.*`))
        .map((indexKey) => indexKey.split(".")[2]);
      let newest: StoredSession | undefined;
      await eachLimited(ids, async (id) => {
        const session = (await readJson<StoredSession>(this.#kv, `session.${id}`))?.value;
        if (session === undefined || session.expires === null || expired(session, now)) return;
        if (nickKey(session.nick) !== key) return;
        if (newest === undefined || session.since > newest.since) newest = session;
      });
      return newest === undefined ? undefined : loginSession(newest);
    });
  }

  update(id: string, changes: { nick?: string; expires?: number | null }): Promise<void> {
    return this.#run(async () => {
      const key = sessionKey(id);
      const { nick, expires } = changes;
      if (nick !== undefined) await this.#kv.put(nickIndexKey(nick, id), "");
      let before: string | undefined;
      await updateJson<StoredSession>(this.#kv, key, (session) => {
        before = session.nick;
        const next = { ...session };
        if (nick !== undefined) next.nick = nick;
        if (expires !== undefined) {
          next.expires = expires;
          next.holder = expires === null ? this.#context.node : null;
        }
        return next;
      });
      if (nick !== undefined && before !== undefined && nickKey(before) !== nickKey(nick)) {
        await this.#kv.delete(nickIndexKey(before, id));
      }
    });
  }

  releaseAll(expires: number): Promise<void> {
    return this.releaseHeldBy(this.#context.node, expires);
  }

  /**
   * Gives every session that node `node` holds the expiry `expires`: `releaseAll()` of another
   * node, for one that died and will not come back to release them itself.
   *
   * @example
   * ```ts ignore
   * await store.releaseHeldBy("node-b", Date.now() + 5 * 60_000);
   * ```
   */
  releaseHeldBy(node: string, expires: number): Promise<void> {
    return this.#run(async () => {
      await eachLimited(await listKeys(this.#context, BUCKET, "session.*"), async (key) => {
        await updateJson<StoredSession>(
          this.#kv,
          key,
          (session) =>
            session.expires === null && session.holder === node
              ? { ...session, expires, holder: null }
              : undefined,
        );
      });
    });
  }

  sweep(now: number): Promise<number> {
    return this.#run(async () => {
      let removed = 0;
      await eachLimited(await listKeys(this.#context, BUCKET, "session.*"), async (key) => {
        const current = await readJson<StoredSession>(this.#kv, key);
        if (current === undefined || !expired(current.value, now)) return;
        if (!await deleteAt(this.#kv, key, current.revision)) return;
        removed++;
        await this.#kv.delete(tokenKey(current.value.tokenHash));
        await this.#kv.delete(nickIndexKey(current.value.nick, current.value.id));
      });
      return removed;
    });
  }

  /** Forgets every session, on every node: the bucket's stream is purged. */
  wipe(): Promise<void> {
    return this.#run(async () => {
      await this.#context.jsm.streams.purge(this.#stream);
    });
  }

  /** Stops using the bucket; the connection belongs to the context and stays open. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /**
   * Creates `key` with `value`; false when it exists already with a value of another call
   * (another `mark`).
   */
  async #createOwn(key: string, value: { mark: string }, mark: string): Promise<boolean> {
    try {
      await this.#kv.create(key, jsonBytes(value));
      return true;
    } catch (error) {
      if (!isWrongRevision(error)) throw error;
      return (await readJson<{ mark: string }>(this.#kv, key))?.value.mark === mark;
    }
  }

  #run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The session store is closed"));
    return retrying(work);
  }
}

function sessionKey(id: string): string {
  return `session.${keyToken(id)}`;
}

function tokenKey(tokenHash: string): string {
  return `token.${keyToken(tokenHash)}`;
}

function nickIndexKey(nick: string, id: string): string {
  return `nick.${keyToken(nickKey(nick))}.${keyToken(id)}`;
}

/** Whether `session` could no longer be resumed at `now`. */
function expired(session: LoginSession, now: number): boolean {
  return session.expires !== null && session.expires < now;
}

/** The session without what only the store needs. */
function loginSession(stored: StoredSession): LoginSession {
  const { id, nick, owner, since, expires } = stored;
  return { id, nick, owner, since, expires };
}
