import { type ByeReason, type ChatEvent, nickKey, OutboundMessage } from "../protocol/mod.ts";
import type { HistoryStore, NewEvent, StoredEvent } from "./history_store.ts";
import type { BlobStore } from "./blob_store.ts";
import type { LoginSession, SessionStore } from "./session_store.ts";
import type { PasskeyChecker } from "./passkey.ts";
import { PasskeyGuard } from "./abuse_guard.ts";

/** A connected, authenticated user as the hub sees one. */
export interface Member {
  readonly nick: string;
  readonly room: string;
  /** Delivers a room event (or a private message) to this member. */
  deliver(message: OutboundMessage, eventId: number): void;
  /** Says `bye` with a reason and closes the connection. */
  end(reason: ByeReason, message: string): void;
}

/** Default of {@linkcode HubOptions.bigRoom}: more than a classroom or an office floor. */
export const BIG_ROOM = 200;

/** How long a disconnected user's resume token stays valid. */
export const RESUME_TTL_MS = 10 * 60 * 1000;

/** How often, at most, expired login sessions are swept from the store (on a login). */
const SESSION_SWEEP_MS = 60 * 1000;

/** A line for the server log; the server decides where it goes. */
export type LogFunction = (message: string) => void;

/** Settings of a {@linkcode Hub}. */
export interface HubOptions {
  history: HistoryStore;
  /** Login sessions: what resume tokens stand for. */
  sessions: SessionStore;
  /** Where shared files' bytes live. */
  blobs: BlobStore;
  /** Largest file accepted, in bytes. */
  maxFileBytes: number;
  passkey: PasskeyChecker;
  /** Events replayed on joining a room. */
  historyLimit: number;
  /** Largest message text, in UTF-8 bytes. */
  maxMessageBytes: number;
  /** `name/version` announced to clients. */
  serverName: string;
  /** Requests per second each connection may make, and how many at once. */
  rate?: { perSecond: number; burst: number };
  /** Wrong passkeys per address that lock nothing (default 4): the next one starts the lockouts. */
  freePasskeyFailures?: number;
  /**
   * Members above which a room is big (default {@linkcode BIG_ROOM}): its joins and leaves are
   * not announced, and `joined` names only this many members (every join announced to everyone
   * and every joiner sent everyone's name would be O(N²) traffic as a big room fills).
   */
  bigRoom?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  log?: LogFunction;
}

/** Converts a stored event to its wire form. */
export function toWireEvent(event: StoredEvent, history?: true): ChatEvent {
  const wire: Record<string, unknown> = {
    type: event.type,
    id: event.id,
    ts: new Date(event.ts).toISOString(),
    room: event.room,
    from: event.from,
    text: event.text,
  };
  if (event.to !== undefined) wire.to = event.to;
  if (event.event !== undefined) wire.event = event.event;
  if (event.nick !== undefined) wire.nick = event.nick;
  if (event.file !== undefined) {
    wire.file = { name: event.file.name, size: event.file.size, sha256: event.file.sha256 };
  }
  if (history) wire.history = true;
  // The stored event's type decides which of these fields it has, as SERVER_MESSAGES says.
  return wire as ChatEvent;
}

/**
 * The shared state of one chat server: who is connected under which nick, who is in which
 * room, and the history store. It knows nothing about sockets: members are anything that can
 * be delivered to.
 *
 * @example
 * ```ts ignore
 * const hub = new Hub({ history, passkey, historyLimit: 50, maxMessageBytes: 4096, serverName: "chat/0.1.0" });
 * ```
 */
export class Hub {
  readonly options: Required<Omit<HubOptions, "log">> & { log: LogFunction };
  /** Counts wrong passkeys per address. */
  readonly passkeyGuard: PasskeyGuard;
  readonly startedAt: number;
  readonly #rooms = new Map<string, Set<Member>>();
  readonly #nicks = new Map<string, Member>();
  readonly #connected = new Set<Member>();
  /** When expired login sessions were last swept. */
  #sweptAt = -Infinity;

  constructor(options: HubOptions) {
    // Spelled out, so an option passed as undefined still gets its default.
    this.options = {
      ...options,
      now: options.now ?? Date.now,
      log: options.log ?? (() => {}),
      rate: options.rate ?? { perSecond: 50, burst: 200 },
      freePasskeyFailures: options.freePasskeyFailures ?? 4,
      bigRoom: options.bigRoom ?? BIG_ROOM,
    };
    this.startedAt = this.options.now();
    this.passkeyGuard = new PasskeyGuard({
      freeFailures: this.options.freePasskeyFailures,
      now: this.options.now,
    });
  }

  /** The event store behind the hub. */
  get history(): HistoryStore {
    return this.options.history;
  }

  /** The file store behind the hub. */
  get blobs(): BlobStore {
    return this.options.blobs;
  }

  /** Connected, authenticated members. */
  get online(): number {
    return this.#nicks.size;
  }

  /** The member using `nick` (case-insensitively), if any. */
  findNick(nick: string): Member | undefined {
    return this.#nicks.get(nickKey(nick));
  }

  /** Claims `nick` for `member`; false if someone else holds it. */
  claimNick(member: Member, nick: string, previous?: string): boolean {
    const key = nickKey(nick);
    const holder = this.#nicks.get(key);
    if (holder !== undefined && holder !== member) return false;
    if (previous !== undefined) this.#nicks.delete(nickKey(previous));
    this.#nicks.set(key, member);
    return true;
  }

  /** Releases the nick of a member that disconnects. */
  releaseNick(member: Member): void {
    const key = nickKey(member.nick);
    if (this.#nicks.get(key) === member) this.#nicks.delete(key);
  }

  /** Counts a connection in, so shutdown can say goodbye to it. */
  register(member: Member): void {
    this.#connected.add(member);
  }

  /** Counts a connection out. */
  unregister(member: Member): void {
    this.#connected.delete(member);
  }

  /** Says `bye` to every connection: the server is going away. */
  shutdown(message: string): void {
    for (const member of this.#connected) member.end("shutdown", message);
  }

  /**
   * Starts the login session of `nick` and returns its resume token (a secret) with it. The
   * session's private messages are those stored from now on.
   */
  async startSession(nick: string): Promise<{ token: string; session: LoginSession }> {
    const now = this.options.now();
    if (now - this.#sweptAt >= SESSION_SWEEP_MS) {
      this.#sweptAt = now;
      await this.options.sessions.sweep(now);
    }
    const token = randomHex(18);
    const session = { id: randomHex(16), nick, since: await this.history.lastId(), expires: null };
    await this.options.sessions.create(await sha256Hex(token), session);
    return { token, session };
  }

  /**
   * The session `token` stands for, if it is still valid and is `nick`'s; it is held again
   * (it expires no more until {@linkcode Hub.releaseSession}).
   */
  async resumeSession(token: string, nick: string): Promise<LoginSession | undefined> {
    const session = await this.options.sessions.find(await sha256Hex(token), this.options.now());
    if (session === undefined || nickKey(session.nick) !== nickKey(nick)) return undefined;
    await this.options.sessions.update(session.id, { expires: null });
    return { ...session, expires: null };
  }

  /** Records a session's new nick. */
  async renameSession(id: string, nick: string): Promise<void> {
    await this.options.sessions.update(id, { nick });
  }

  /** Starts the countdown of a session whose connection ended. */
  async releaseSession(id: string): Promise<void> {
    await this.options.sessions.update(id, { expires: this.options.now() + RESUME_TTL_MS });
  }

  /**
   * Gives every session held before a restart the usual time to be resumed; called once when the
   * server starts, since no connection holds any of them any more.
   */
  async releaseAllSessions(): Promise<void> {
    await this.options.sessions.releaseAll(this.options.now() + RESUME_TTL_MS);
  }

  /** The session of someone called `nick` whose connection ended a moment ago, if any. */
  async droppedSession(nick: string): Promise<LoginSession | undefined> {
    return await this.options.sessions.findDropped(nick, this.options.now());
  }

  /**
   * Gives `nick` to `member` even if a stale connection holds it, which is told it was
   * replaced. Only for a member that proved it is the same user with a resume token.
   */
  takeOverNick(member: Member, nick: string): void {
    const key = nickKey(nick);
    const holder = this.#nicks.get(key);
    this.#nicks.set(key, member);
    if (holder !== undefined && holder !== member) {
      holder.end("replaced", "You connected again from elsewhere; this connection is closed.");
    }
  }

  /** Adds a member to a room's delivery list. */
  addToRoom(member: Member, room: string): void {
    let members = this.#rooms.get(room);
    if (members === undefined) this.#rooms.set(room, members = new Set());
    members.add(member);
  }

  /** Removes a member from a room's delivery list; empty rooms are forgotten. */
  removeFromRoom(member: Member, room: string): void {
    const members = this.#rooms.get(room);
    if (members === undefined) return;
    members.delete(member);
    if (members.size === 0) this.#rooms.delete(room);
  }

  /** Nicks in a room, sorted: all of them, or the first `limit` to have joined. */
  usersIn(room: string, limit = Infinity): string[] {
    const nicks: string[] = [];
    for (const member of this.#rooms.get(room) ?? []) {
      if (nicks.length >= limit) break;
      nicks.push(member.nick);
    }
    return nicks.sort();
  }

  /** How many members a room has. */
  countIn(room: string): number {
    return this.#rooms.get(room)?.size ?? 0;
  }

  /** Whether a room has more members than {@linkcode HubOptions.bigRoom}. */
  isBig(room: string): boolean {
    return this.countIn(room) > this.options.bigRoom;
  }

  /** Rooms with members, and the lobby, with member counts, sorted by name. */
  roomList(): { name: string; users: number }[] {
    const rooms = new Map<string, number>([["lobby", 0]]);
    for (const [name, members] of this.#rooms) rooms.set(name, members.size);
    return [...rooms].map(([name, users]) => ({ name, users })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  /**
   * Stores a room event and, once it is durable, delivers it to every member of its room but
   * `author`. The delivery runs synchronously after the store resolves, so members receive
   * events in id order. Returns the stored event and whether it was new.
   */
  async publish(
    event: Omit<NewEvent, "ts">,
    author?: Member,
  ): Promise<{ event: StoredEvent; created: boolean }> {
    const result = await this.history.append({ ...event, ts: this.options.now() });
    if (result.created) {
      const out = new OutboundMessage(toWireEvent(result.event));
      const members = this.#rooms.get(result.event.room);
      if (members !== undefined) {
        for (const member of members) {
          if (member !== author) member.deliver(out, result.event.id);
        }
      }
    }
    return result;
  }

  /** Stores a private message and delivers it to its recipient only (none: a note to self). */
  async publishPrivate(
    event: Omit<NewEvent, "ts" | "type">,
    recipient: Member | undefined,
  ): Promise<{ event: StoredEvent; created: boolean }> {
    const result = await this.history.append({ ...event, type: "private", ts: this.options.now() });
    if (result.created && recipient !== undefined) {
      recipient.deliver(new OutboundMessage(toWireEvent(result.event)), result.event.id);
    }
    return result;
  }
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
