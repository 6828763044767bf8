import type { LoginSession, SessionStore } from "../chat/session_store.ts";
import { nickKey } from "../protocol/names.ts";
import { settle } from "./_settle.ts";

/**
 * A {@linkcode SessionStore} in memory, for tests. Nothing survives the process; otherwise it
 * behaves like the SQLite store.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemorySessionStore } from "./memory_session_store.ts";
 *
 * const store = new MemorySessionStore();
 * const session = { id: "s1", nick: "ada", owner: "o1", since: 0, expires: null };
 * await store.create("hash-of-token", session);
 * assertEquals(await store.find("hash-of-token", Date.now()), session);
 * ```
 */
export class MemorySessionStore implements SessionStore {
  readonly #byToken = new Map<string, LoginSession>();
  readonly #byId = new Map<string, LoginSession>();
  #closed = false;

  create(tokenHash: string, session: LoginSession): Promise<void> {
    return this.#run(() => {
      if (this.#byToken.has(tokenHash) || this.#byId.has(session.id)) {
        throw new Error(`A session with this token or the id ${session.id} exists already`);
      }
      const stored = { ...session };
      this.#byToken.set(tokenHash, stored);
      this.#byId.set(session.id, stored);
    });
  }

  find(tokenHash: string, now: number): Promise<LoginSession | undefined> {
    return this.#run(() => {
      const session = this.#byToken.get(tokenHash);
      return session === undefined || expired(session, now) ? undefined : { ...session };
    });
  }

  findDropped(nick: string, now: number): Promise<LoginSession | undefined> {
    return this.#run(() => {
      const key = nickKey(nick);
      let newest: LoginSession | undefined;
      for (const session of this.#byId.values()) {
        if (session.expires === null || expired(session, now)) continue;
        if (nickKey(session.nick) !== key) continue;
        if (newest === undefined || session.since > newest.since) newest = session;
      }
      return newest === undefined ? undefined : { ...newest };
    });
  }

  update(id: string, changes: { nick?: string; expires?: number | null }): Promise<void> {
    return this.#run(() => {
      const session = this.#byId.get(id);
      if (session === undefined) return;
      if (changes.nick !== undefined) session.nick = changes.nick;
      if (changes.expires !== undefined) session.expires = changes.expires;
    });
  }

  releaseAll(expires: number): Promise<void> {
    return this.#run(() => {
      for (const session of this.#byId.values()) {
        if (session.expires === null) session.expires = expires;
      }
    });
  }

  sweep(now: number): Promise<number> {
    return this.#run(() => {
      let removed = 0;
      for (const [hash, session] of this.#byToken) {
        if (!expired(session, now)) continue;
        this.#byToken.delete(hash);
        this.#byId.delete(session.id);
        removed++;
      }
      return removed;
    });
  }

  /** Forgets every session. */
  wipe(): Promise<void> {
    return this.#run(() => {
      this.#byToken.clear();
      this.#byId.clear();
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The session store is closed"));
    return settle(work);
  }
}

/** Whether `session` could no longer be resumed at `now`. */
function expired(session: LoginSession, now: number): boolean {
  return session.expires !== null && session.expires < now;
}
