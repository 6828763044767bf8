/**
 * A login and the reconnects that resume it: what a resume token stands for. It outlives its
 * connections by a few minutes, and a restart of the server, so that a client that lost its
 * connection comes back as the same person: its unacknowledged messages are recognised when
 * resent, and it receives the private messages it missed, but none from before it logged in.
 */
export interface LoginSession {
  /** Random and never reused: it scopes the `rid`s of this session's messages. */
  id: string;
  /** The nick the session has now, as the user wrote it. */
  nick: string;
  /** The owner (a person, with their devices) the session is for: only they may resume it. */
  owner: string;
  /** The highest event id stored when the login happened: its private messages come after it. */
  since: number;
  /**
   * When the session can no longer be resumed (milliseconds since the epoch); `null` while a
   * connection holds it.
   */
  expires: number | null;
}

/**
 * Where login sessions are kept, found by the SHA-256 of their resume token (a stolen copy of the
 * store holds no usable token). Implementations: memory and SQLite.
 */
export interface SessionStore {
  /** Stores a new session, reachable through `tokenHash`. */
  create(tokenHash: string, session: LoginSession): Promise<void>;
  /** The session of `tokenHash`, unless it expired before `now`. */
  find(tokenHash: string, now: number): Promise<LoginSession | undefined>;
  /**
   * The newest session (by `since`) whose nick is `nick` — compared by `nickKey()` — that no
   * connection holds and that has not expired at `now`: someone who dropped a moment ago.
   */
  findDropped(nick: string, now: number): Promise<LoginSession | undefined>;
  /** Changes a session's nick or expiry; an unknown `id` is ignored. */
  update(id: string, changes: { nick?: string; expires?: number | null }): Promise<void>;
  /**
   * Gives every session a connection holds the expiry `expires`: the server has restarted, and no
   * connection holds any of them any more.
   */
  releaseAll(expires: number): Promise<void>;
  /** Forgets the sessions that expired before `now`; returns how many. */
  sweep(now: number): Promise<number>;
  /**
   * Forgets every session, for good (as `HistoryStore.deleteBefore` deletes): no resume token
   * works any more, and their next `hello` is a new login.
   */
  wipe(): Promise<void>;
  /** Releases the store. */
  close(): Promise<void>;
}
