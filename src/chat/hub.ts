import {
  type ByeReason,
  type ChatEvent,
  mentions,
  nickKey,
  OutboundMessage,
  type ServerMessage,
} from "../protocol/mod.ts";
import {
  type AppendResult,
  type HistoryStore,
  type NewEvent,
  READABLE_TYPES,
  type StoredEvent,
} from "./history_store.ts";
import { type Place, placeKey, placeOfKey, type ReadMarkerStore } from "./read_marker_store.ts";
import type { EventLog, LoggedEvent } from "./event_log.ts";
import type { Registry } from "./registry.ts";
import type { BlobStore } from "./blob_store.ts";
import type { LoginSession, SessionStore } from "./session_store.ts";
import type { IdentityStore, NickClaim } from "./identity_store.ts";
import { Admission } from "./admission.ts";
import { DOWNLOAD_LINK_TTL_MS, DownloadLinks } from "./download_links.ts";
import type { PasskeyChecker } from "./passkey.ts";
import { PasskeyGuard } from "./abuse_guard.ts";
import { randomHex, sha256Hex } from "./_random.ts";
import type { ModerationStore } from "./moderation_store.ts";
import { type Moderated, Moderation, type ModerationHub } from "./moderation.ts";
import { LocalSignalBus, type Signal, type SignalBus } from "./signal_bus.ts";
import type { FailureCounter } from "./failure_counter.ts";

/** A connected, authenticated user as the hub sees one. */
export interface Member extends Moderated {
  /** Unique among the hub's members, from {@linkcode Hub.newMemberId}: its registry holder. */
  readonly id: string;
  readonly nick: string;
  readonly room: string;
  /** The person this connection is: the owner of its device and nicks (set once logged in). */
  readonly owner: string;
  /** Delivers a room event (or a private message) to this member. */
  deliver(message: OutboundMessage, eventId: number): void;
  /**
   * Sends a message at once, outside the order of room events: activity elsewhere, read
   * markers, typing, presence.
   */
  notify(message: OutboundMessage): void;
  /** Says `bye` with a reason and closes the connection. */
  end(reason: ByeReason, message: string): void;
}

/** Default of {@linkcode HubOptions.bigRoom}: more than a classroom or an office floor. */
export const BIG_ROOM = 200;

/** How long a disconnected user's resume token stays valid. */
export const RESUME_TTL_MS = 10 * 60 * 1000;

/** Default of {@linkcode HubOptions.inviteTtlMs}: a day, an event or a school day and the next. */
export const INVITE_TTL_MS = 24 * 60 * 60 * 1000;

/** Where the server can be reached, for invites: set once it listens. */
export interface Endpoints {
  chatPort: number;
  webPort?: number;
  tls: boolean;
  /** The certificate's fingerprint, with TLS. */
  fingerprint?: string;
}

/** Most private conversations `unread_counts` lists: those with the newest messages. */
export const MAX_CONVERSATIONS = 100;

/** One place of an `unread_counts`. */
export type UnreadPlace = Extract<ServerMessage, { type: "unread_counts" }>["places"][number];

/** How often, at most, expired login sessions are swept from the store (on a login). */
const SESSION_SWEEP_MS = 60 * 1000;

/** A line for the server log; the server decides where it goes. */
export type LogFunction = (message: string) => void;

/** Settings of a {@linkcode Hub}. */
export interface HubOptions {
  /** History, for reading: pages, catch-ups, files. */
  history: HistoryStore;
  /** The log every event is appended to and delivered from. */
  events: EventLog;
  /** Who is online under which nick, in which room. */
  registry: Registry;
  /** Login sessions: what resume tokens stand for. */
  sessions: SessionStore;
  /** Devices, who owns which nick, invites and link codes. */
  identities: IdentityStore;
  /** What each person has read in each room and conversation they follow. */
  readMarkers: ReadMarkerStore;
  /** Operators, bans, mutes, room settings and the audit log (PROTOCOL.md section 3.5). */
  moderation: ModerationStore;
  /** Lowercase hex SHA-256 of the operator credential; none: nobody signs in as host. */
  operatorKeyHash?: string;
  /**
   * This node's name in a cluster: member ids start with it (`a/m7`), so that they are unique
   * across the nodes sharing the registry and the log. None on a server alone.
   */
  nodeName?: string;
  /** False refuses private messages and private files (`--no-private`). Default true. */
  privateMessages?: boolean;
  /** False refuses every upload (`--no-files`). Default true. */
  files?: boolean;
  /**
   * Wrong passkeys counted for every node of a cluster, so that an attacker gains nothing by
   * spreading guesses over the nodes; this hub counts alone unless given.
   */
  passkeyFailures?: FailureCounter;
  /**
   * What carries typing, presence, read markers and the host controls' orders to every node's
   * connections; straight to this hub's own unless given (a server alone).
   */
  signals?: SignalBus;
  /** How long an invite stays valid unless asked otherwise. Default 24 h. */
  inviteTtlMs?: number;
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
  if (event.control !== undefined) {
    const { by, reason, until, topic } = event.control;
    wire.by = by;
    if (reason !== undefined) wire.reason = reason;
    if (until !== undefined) wire.until = new Date(until).toISOString();
    if (topic !== undefined) wire.topic = topic;
  }
  if (event.file !== undefined) {
    wire.file = { name: event.file.name, size: event.file.size, sha256: event.file.sha256 };
  }
  // Section 3.6: what a reply answers, what changes made of a message, what a change changes.
  if (event.replyTo !== undefined) wire.reply_to = event.replyTo;
  if (event.quote !== undefined) wire.quote = event.quote;
  if (event.edited === true) wire.edited = true;
  if (event.deleted === true) wire.deleted = true;
  if (event.reactions !== undefined && event.reactions.length > 0) {
    wire.reactions = event.reactions;
  }
  if (event.ref !== undefined) wire.ref = event.ref;
  if (event.emoji !== undefined) wire.emoji = event.emoji;
  if (event.remove === true) wire.remove = true;
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
  readonly options: Required<Omit<HubOptions, "log" | "passkeyFailures">> & { log: LogFunction };
  /** Counts wrong passkeys per address. */
  readonly passkeyGuard: PasskeyGuard;
  /** Lets connections in by their credentials. */
  readonly admission: Admission;
  /** The host controls: who may moderate, and the rules posts and logins are held to. */
  readonly moderation: Moderation;
  readonly startedAt: number;
  /** Where the server listens, for invite links; set by the server once it listens. */
  endpoints: Endpoints = { chatPort: 0, tls: false };
  /**
   * In a cluster, the nodes up and where clients reach them (`welcome.nodes`); set by the server
   * once it listens. None on a server alone.
   */
  nodes: (() => { name: string; chat: string; web?: string }[]) | undefined;
  /** In a cluster, whether a page's origin is another node's web client; set with `nodes`. */
  isNodeOrigin: ((origin: string) => Promise<boolean>) | undefined;
  /** Room → the members of this hub in it: whom its events are delivered to. */
  readonly #rooms = new Map<string, Set<Member>>();
  /** Nick key → the member of this hub holding it: whom its private messages go to. */
  readonly #nicks = new Map<string, Member>();
  readonly #members = new Map<string, Member>();
  /** Room → the members of this hub that follow it: whom its activity is told while elsewhere. */
  readonly #followers = new Map<string, Set<Member>>();
  /** Owner → the members of this hub that are that person: where read markers are mirrored. */
  readonly #people = new Map<string, Set<Member>>();
  readonly #connected = new Set<Member>();
  /** Signs the tokens of HTTP download links; a new secret for every run of the server. */
  readonly #downloadLinks = DownloadLinks.create();
  /** Resolves once the hub follows the log; resolves to the function that stops it. */
  readonly #following: Promise<() => void>;
  #nextMemberId = 0;
  readonly #stopSignals: () => void;
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
      inviteTtlMs: options.inviteTtlMs ?? INVITE_TTL_MS,
      operatorKeyHash: options.operatorKeyHash ?? "",
      nodeName: options.nodeName ?? "",
      privateMessages: options.privateMessages ?? true,
      files: options.files ?? true,
      signals: options.signals ?? new LocalSignalBus(),
    };
    this.startedAt = this.options.now();
    this.passkeyGuard = new PasskeyGuard({
      freeFailures: this.options.freePasskeyFailures,
      now: this.options.now,
      shared: options.passkeyFailures,
    });
    this.admission = new Admission({
      identities: options.identities,
      passkey: options.passkey,
      guard: this.passkeyGuard,
      now: this.options.now,
      log: this.options.log,
    });
    this.moderation = new Moderation(this.#moderationSide(), {
      store: options.moderation,
      operatorKeyHash: this.options.operatorKeyHash,
      privateMessages: this.options.privateMessages,
      files: this.options.files,
    });
    this.#stopSignals = this.options.signals.subscribe((signal) => this.#onSignal(signal));
    this.#following = this.history.lastId()
      .then((last) => this.options.events.follow(last, (logged) => this.#deliver(logged)));
    // A failure surfaces in the first publish, which awaits it.
    this.#following.catch(() => {});
  }

  /** The event store behind the hub. */
  get history(): HistoryStore {
    return this.options.history;
  }

  /** The file store behind the hub. */
  get blobs(): BlobStore {
    return this.options.blobs;
  }

  /** How many nicks are held, on every server that shares the rooms. */
  async online(): Promise<number> {
    return await this.options.registry.online();
  }

  /** A new {@linkcode Member.id}. */
  newMemberId(): string {
    const node = this.options.nodeName;
    return node === "" ? `m${++this.#nextMemberId}` : `${node}/m${++this.#nextMemberId}`;
  }

  /** The member of this hub holding `nick` (case-insensitively), if any. */
  findNick(nick: string): Member | undefined {
    return this.#nicks.get(nickKey(nick));
  }

  /**
   * Whom a private message or file for `nick` goes to, as they spell it: whoever holds the nick
   * now, or whoever held it until a moment ago (they get it when they resume), or, when the nick
   * belongs to someone who is not connected, the nick as given (they find it when they come
   * back). `undefined` when nobody holds or owns it.
   */
  async recipientOf(nick: string): Promise<string | undefined> {
    const holder = await this.holderOf(nick);
    if (holder !== undefined) return holder;
    const dropped = await this.droppedSession(nick);
    if (dropped !== undefined) return dropped.nick;
    return await this.options.identities.nickOwner(nick) === undefined ? undefined : nick;
  }

  /** Who holds `nick` now (case-insensitively), as they spell it; undefined when nobody does. */
  async holderOf(nick: string): Promise<string | undefined> {
    return (await this.options.registry.holder(nick))?.nick;
  }

  /** Claims `nick` for `member` (dropping the one it held); false if someone else holds it. */
  async claimNick(member: Member, nick: string): Promise<boolean> {
    if (!await this.options.registry.claim(nick, member.id)) return false;
    if (this.#nicks.get(nickKey(member.nick)) === member) this.#nicks.delete(nickKey(member.nick));
    this.#nicks.set(nickKey(nick), member);
    return true;
  }

  /** Releases the nick of a member that disconnects. */
  async releaseNick(member: Member): Promise<void> {
    const key = nickKey(member.nick);
    if (this.#nicks.get(key) === member) this.#nicks.delete(key);
    await this.options.registry.release(member.nick, member.id);
  }

  /** Counts a connection in, so shutdown can say goodbye to it. */
  register(member: Member): void {
    this.#connected.add(member);
    this.#members.set(member.id, member);
  }

  /** Counts a connection out. */
  unregister(member: Member): void {
    this.#connected.delete(member);
    if (this.#members.get(member.id) === member) this.#members.delete(member.id);
  }

  /**
   * Counts a logged-in member in as its person, following the rooms it has read in before:
   * returns its read markers (place key → id).
   */
  async attach(member: Member): Promise<Map<string, number>> {
    addTo(this.#people, member.owner, member);
    const markers = await this.options.readMarkers.markers(member.owner);
    for (const key of markers.keys()) {
      const place = placeOfKey(key);
      if ("room" in place) addTo(this.#followers, place.room, member);
    }
    return markers;
  }

  /** Counts a member out of its person and of the rooms it follows. */
  detach(member: Member, followed: Iterable<string>): void {
    removeFrom(this.#people, member.owner, member);
    for (const room of followed) removeFrom(this.#followers, room, member);
  }

  /**
   * Makes `member` follow `room`: it is told of the room's activity while elsewhere. With `id`,
   * its person's read marker there is set to it too (a room they start following).
   */
  async follow(member: Member, room: string, id?: number): Promise<void> {
    addTo(this.#followers, room, member);
    if (id !== undefined) await this.options.readMarkers.mark(member.owner, placeKey({ room }), id);
  }

  /**
   * Records that `member`'s person read `place` up to `id`, and tells their other connections;
   * resolves with the marker as it stands.
   */
  async markRead(member: Member, place: Place, id: number): Promise<number> {
    const marker = await this.options.readMarkers.mark(member.owner, placeKey(place), id);
    await this.options.signals.publish({
      to: "person",
      owner: member.owner,
      message: { type: "read_marker", ...place, id: marker },
      except: member.id,
    });
    return marker;
  }

  /**
   * Where `member`'s person stands in every room they follow and every private conversation of
   * `nick` since `claimSince` (when they came to own it).
   */
  async unreadCounts(member: Member, nick: string, claimSince: number): Promise<UnreadPlace[]> {
    const markers = await this.options.readMarkers.markers(member.owner);
    const places: UnreadPlace[] = [];
    for (const [key, readId] of markers) {
      const place = placeOfKey(key);
      if (!("room" in place)) continue;
      const tally = await this.history.tally(place, { after: readId, self: nick });
      places.push({ room: place.room, ...counts(tally), read_id: readId });
    }
    const talks = await this.history.conversations(nick, {
      after: claimSince,
      limit: MAX_CONVERSATIONS,
    });
    for (const talk of talks) {
      const readId = markers.get(placeKey({ with: talk.with })) ?? 0;
      const tally = await this.history.tally(
        { nick, with: talk.with },
        { after: Math.max(readId, claimSince), self: nick },
      );
      places.push({ with: talk.with, ...counts(tally), read_id: readId });
    }
    return places;
  }

  /**
   * Tells the room (or the person `to`) that `member` is typing; never in a big room. Typing is
   * never stored.
   */
  async typing(member: Member, to?: string): Promise<void> {
    if (to !== undefined) {
      await this.options.signals.publish({
        to: "nick",
        nick: to,
        message: { type: "typing", from: member.nick },
      });
      return;
    }
    if (await this.isBig(member.room)) return;
    await this.#signal(
      member.room,
      { type: "typing", from: member.nick, room: member.room },
      member,
    );
  }

  /** Marks `member` away (with `text`) or, with `undefined`, back, and tells its room. */
  async setAway(member: Member, text: string | undefined): Promise<void> {
    await this.options.registry.setAway(member.id, text);
    await this.#signal(member.room, {
      type: "presence",
      nick: member.nick,
      room: member.room,
      away: text !== undefined,
      ...(text === undefined || text === "" ? {} : { text }),
    });
  }

  /** The nicks in `room` who are away. */
  async awayIn(room: string): Promise<string[]> {
    return await this.options.registry.awayIn(room);
  }

  /** Says `bye` to every connection: the server is going away. */
  shutdown(message: string): void {
    for (const member of this.#connected) member.end("shutdown", message);
  }

  /**
   * Starts the login session of `owner` as `nick` and returns its resume token (a secret) with it.
   */
  async startSession(
    nick: string,
    owner: string,
  ): Promise<{ token: string; session: LoginSession }> {
    const now = this.options.now();
    if (now - this.#sweptAt >= SESSION_SWEEP_MS) {
      this.#sweptAt = now;
      await this.options.sessions.sweep(now);
    }
    const token = randomHex(18);
    const since = await this.history.lastId();
    const session = { id: randomHex(16), nick, owner, since, expires: null };
    await this.options.sessions.create(await sha256Hex(token), session);
    return { token, session };
  }

  /**
   * The session `token` stands for, if it is still valid and is `owner`'s, as `nick`; it is held
   * again (it expires no more until {@linkcode Hub.releaseSession}).
   */
  async resumeSession(
    token: string,
    nick: string,
    owner: string,
  ): Promise<LoginSession | undefined> {
    const session = await this.options.sessions.find(await sha256Hex(token), this.options.now());
    if (
      session === undefined || session.owner !== owner || nickKey(session.nick) !== nickKey(nick)
    ) {
      return undefined;
    }
    await this.options.sessions.update(session.id, { expires: null });
    return { ...session, expires: null };
  }

  /**
   * Who owns `nick`, claiming it for `owner` when nobody does (with `claim`; else it is only
   * looked at). The claim marks where the nick's private messages start for its owner.
   */
  async nickOwnership(
    nick: string,
    owner: string,
    options: { claim: boolean },
  ): Promise<NickClaim | undefined> {
    const current = await this.options.identities.nickOwner(nick);
    if (current !== undefined || !options.claim) return current;
    return await this.options.identities.claimNick(nick, owner, await this.history.lastId());
  }

  /** Frees an owned nick for anyone to claim; false when nobody owned it. */
  async releaseOwnership(nick: string): Promise<boolean> {
    const released = await this.options.identities.releaseNick(nick);
    // The role went with the nick: whoever claims it next is not an operator.
    await this.moderation.store.setOperator(nick, false);
    return released;
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
  async takeOverNick(member: Member, nick: string): Promise<void> {
    const previous = await this.options.registry.take(nick, member.id);
    this.#nicks.set(nickKey(nick), member);
    if (previous !== undefined) {
      this.#members.get(previous)?.end(
        "replaced",
        "You connected again from elsewhere; this connection is closed.",
      );
    }
  }

  /** Adds a member to a room's delivery list. */
  async addToRoom(member: Member, room: string): Promise<void> {
    let members = this.#rooms.get(room);
    if (members === undefined) this.#rooms.set(room, members = new Set());
    members.add(member);
    await this.options.registry.enter(room, member.id);
  }

  /** Removes a member from a room's delivery list; empty rooms are forgotten. */
  async removeFromRoom(member: Member, room: string): Promise<void> {
    const members = this.#rooms.get(room);
    members?.delete(member);
    if (members?.size === 0) this.#rooms.delete(room);
    await this.options.registry.leave(room, member.id);
  }

  /** Nicks in a room, sorted: all of them, or the first `limit` to have joined. */
  async usersIn(room: string, limit = Infinity): Promise<string[]> {
    return await this.options.registry.members(room, limit);
  }

  /** How many members a room has. */
  async countIn(room: string): Promise<number> {
    return await this.options.registry.count(room);
  }

  /** Whether a room has more members than {@linkcode HubOptions.bigRoom}. */
  async isBig(room: string): Promise<boolean> {
    return await this.countIn(room) > this.options.bigRoom;
  }

  /** Rooms with members, and the lobby, with member counts, sorted by name. */
  async roomList(): Promise<{ name: string; users: number }[]> {
    return await this.options.registry.rooms();
  }

  /**
   * Appends a room event to the log; every member of its room but `author` receives it as the
   * log delivers it (on one server: before this resolves, in id order). Returns the stored event
   * and whether it was new.
   */
  async publish(event: Omit<NewEvent, "ts">, author?: Member): Promise<AppendResult> {
    await this.#following;
    return await this.options.events.append(
      { ...event, ts: this.options.now() },
      { origin: author?.id },
    );
  }

  /**
   * Appends a private message to the log; its recipient receives it, wherever it is connected,
   * unless the recipient is the `sender` (a note to self).
   */
  async publishPrivate(
    event: Omit<NewEvent, "ts" | "type">,
    sender: Member,
  ): Promise<AppendResult> {
    await this.#following;
    return await this.options.events.append(
      { ...event, type: "private", ts: this.options.now() },
      { origin: sender.id },
    );
  }

  /**
   * A token for downloading file `id` over HTTP, for `owner`, valid for
   * {@linkcode DOWNLOAD_LINK_TTL_MS}. The caller has checked that the file is theirs to see.
   */
  async downloadToken(id: number, owner: string): Promise<{ token: string; expires: number }> {
    const expires = this.options.now() + DOWNLOAD_LINK_TTL_MS;
    return { token: await (await this.#downloadLinks).sign({ id, owner, expires }), expires };
  }

  /** The file a download token is for, if the token is this server's, valid and the file is. */
  async downloadOf(token: string): Promise<StoredEvent | undefined> {
    const grant = await (await this.#downloadLinks).verify(token, this.options.now());
    if (grant === undefined) return undefined;
    const event = await this.history.file(grant.id);
    return event?.file === undefined ? undefined : event;
  }

  /** Stops following the log and the signals. */
  async close(): Promise<void> {
    this.#stopSignals();
    (await this.#following)();
  }

  /** What the host controls see of the hub. */
  #moderationSide(): ModerationHub {
    return {
      identities: this.options.identities,
      now: () => this.options.now(),
      log: (line) => this.options.log(line),
      holdersOf: (nick) => {
        const member = this.#nicks.get(nickKey(nick));
        return member === undefined ? [] : [member];
      },
      connectionsOf: (owner) => [...this.#members.values()].filter((m) => m.owner === owner),
      heldAs: (nick) => this.holderOf(nick),
      expel: (target, code, text) =>
        this.options.signals.publish({ to: "expel", ...target, code, text }),
      setRole: (nick, operator) => this.options.signals.publish({ to: "role", nick, operator }),
      announce: async ({ room, event, from, text, control }) => {
        await this.publish({ type: "notice", event, room, from, text, control });
      },
    };
  }

  /** Delivers an event of the log to the members of this hub it is for. */
  #deliver({ event, origin }: LoggedEvent): void {
    if (event.to !== undefined) {
      // A private message, or a file shared with one person.
      const recipient = this.#nicks.get(nickKey(event.to));
      if (recipient !== undefined && recipient.id !== origin) {
        recipient.deliver(new OutboundMessage(toWireEvent(event)), event.id);
      }
      return;
    }
    const members = this.#rooms.get(event.room);
    if (members !== undefined) {
      // Encoded once: the same bytes go to every member.
      const out = new OutboundMessage(toWireEvent(event));
      for (const member of members) if (member.id !== origin) member.deliver(out, event.id);
    }
    const followers = this.#followers.get(event.room);
    if (followers !== undefined && READABLE_TYPES.includes(event.type)) {
      this.#tellActivity(event, followers, origin);
    }
  }

  /** Tells those who follow the event's room but are elsewhere that something was said. */
  #tellActivity(event: StoredEvent, followers: Set<Member>, origin?: string): void {
    let plain: OutboundMessage | undefined;
    let mentioned: OutboundMessage | undefined;
    for (const member of followers) {
      if (member.room === event.room || member.id === origin || member.nick === event.from) {
        continue;
      }
      const base = { type: "activity" as const, room: event.room, id: event.id, from: event.from };
      if (event.type !== "file" && mentions(event.text, member.nick)) {
        member.notify(mentioned ??= new OutboundMessage({ ...base, mention: true }));
      } else member.notify(plain ??= new OutboundMessage(base));
    }
  }

  /** Sends a message that is not an event to everyone in `room` but `except`, on every node. */
  async #signal(room: string, message: ServerMessage, except?: Member): Promise<void> {
    await this.options.signals.publish({ to: "room", room, message, except: except?.id });
  }

  /** Hands a signal of the bus to this hub's own connections it is for. */
  #onSignal(signal: Signal): void {
    switch (signal.to) {
      case "room": {
        const members = this.#rooms.get(signal.room);
        if (members === undefined) return;
        const out = new OutboundMessage(signal.message);
        for (const member of members) if (member.id !== signal.except) member.notify(out);
        return;
      }
      case "person": {
        const people = this.#people.get(signal.owner);
        if (people === undefined) return;
        const out = new OutboundMessage(signal.message);
        for (const member of people) if (member.id !== signal.except) member.notify(out);
        return;
      }
      case "nick":
        this.#nicks.get(nickKey(signal.nick))?.notify(new OutboundMessage(signal.message));
        return;
      case "expel":
        for (const member of [...this.#members.values()]) {
          const held = signal.nick !== undefined && nickKey(member.nick) === nickKey(signal.nick);
          if (held || (signal.owner !== undefined && member.owner === signal.owner)) {
            member.expel(signal.code, signal.text);
          }
        }
        return;
      case "role": {
        const holder = this.#nicks.get(nickKey(signal.nick));
        if (holder !== undefined) holder.operator = signal.operator;
        return;
      }
    }
  }
}

/** The counts of a tally as `unread_counts` carries them. */
function counts(tally: { unread: number; mentions: number; lastId: number }) {
  return { unread: tally.unread, mentions: tally.mentions, last_id: tally.lastId };
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, set = new Set());
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}
