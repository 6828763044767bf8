import { Hub, PasskeyChecker, Session } from "../../src/chat/mod.ts";
import { type ClientMessage, nickKey, type ServerMessage } from "../../src/protocol/mod.ts";
import {
  type AppendResult,
  type BlobStore,
  type HistoryStore,
  type IdentityStore,
  LocalEventLog,
  MemoryBlobStore,
  MemoryHistoryStore,
  MemoryIdentityStore,
  MemoryModerationStore,
  MemoryReadMarkerStore,
  MemoryRegistry,
  MemorySessionStore,
  type ModerationStore,
  type NewEvent,
  type PageOptions,
  type PrivatesOptions,
  type SessionStore,
  type StoredEvent,
} from "../../src/store/mod.ts";
import { FakePeer } from "./_fake_peer.ts";

/** The fixed clock of every test hub, in milliseconds since the epoch. */
export const NOW = 1_700_000_000_000;
/** {@linkcode NOW} as the wire writes it. */
export const TS = new Date(NOW).toISOString();
/** The passkey of every test hub. */
export const PASSKEY = "secret";
/** The server name every test hub announces. */
export const SERVER = "chat/test";

/** A connected, authenticated test user. */
export interface User {
  nick: string;
  peer: FakePeer;
  session: Session;
  /** Hands a message to the user's session, as the session adapter would. */
  handle(message: ClientMessage): Promise<void>;
  /** What the user received since the last call, as on the wire; see {@linkcode FakePeer.take}. */
  take(): ServerMessage[];
}

/** A hub with sessions over fake peers; no sockets. */
export interface TestChat {
  hub: Hub;
  history: HistoryStore;
  /** A new, unauthenticated session. */
  open(): { peer: FakePeer; session: Session };
  /**
   * A session that has said a successful `hello`: with the device of the earlier connection under
   * this nick, if any (the same person), or as a `stranger` with the passkey.
   */
  connect(nick: string, room?: string, options?: { stranger?: boolean }): Promise<User>;
  /** The device credential the person using `nick` got, if they logged in before. */
  deviceOf(nick: string): string | undefined;
  /** Keeps the device credential of a `welcome` among `received`, as the person using `nick`'s. */
  keep(nick: string, received: readonly ServerMessage[]): void;
  /** Forgets what every user connected through {@linkcode connect} has received. */
  clear(): void;
}

/** Settings of {@linkcode startChat}; everything has a default. */
export interface TestChatOptions {
  history?: HistoryStore;
  sessions?: SessionStore;
  identities?: IdentityStore;
  /** The server's passkey; default {@linkcode PASSKEY}. */
  passkey?: string;
  historyLimit?: number;
  maxMessageBytes?: number;
  now?: () => number;
  blobs?: BlobStore;
  maxFileBytes?: number;
  bigRoom?: number;
  moderation?: ModerationStore;
  /** SHA-256 (hex) of the operator credential. */
  operatorKeyHash?: string;
  privateMessages?: boolean;
  files?: boolean;
}

/** Builds a hub with a {@linkcode MemoryHistoryStore} and the passkey {@linkcode PASSKEY}. */
export async function startChat(options: TestChatOptions = {}): Promise<TestChat> {
  const history = options.history ?? new MemoryHistoryStore();
  const hub = new Hub({
    history,
    events: new LocalEventLog(history),
    registry: new MemoryRegistry(),
    sessions: options.sessions ?? new MemorySessionStore(),
    identities: options.identities ?? new MemoryIdentityStore(),
    readMarkers: new MemoryReadMarkerStore(),
    moderation: options.moderation ?? new MemoryModerationStore(),
    operatorKeyHash: options.operatorKeyHash,
    privateMessages: options.privateMessages,
    files: options.files,
    blobs: options.blobs ?? new MemoryBlobStore(),
    // Room for a few chunks of CHUNK_BYTES (about 1 MiB each).
    maxFileBytes: options.maxFileBytes ?? 8 * 1024 * 1024,
    passkey: await PasskeyChecker.create(options.passkey ?? PASSKEY),
    historyLimit: options.historyLimit ?? 50,
    maxMessageBytes: options.maxMessageBytes ?? 4096,
    serverName: SERVER,
    now: options.now ?? (() => NOW),
    bigRoom: options.bigRoom,
  });
  const users: User[] = [];
  let connections = 0;
  function open(): { peer: FakePeer; session: Session } {
    const peer = new FakePeer();
    connections++;
    return { peer, session: new Session(hub, peer, `192.0.2.1:${50_000 + connections}`) };
  }
  // One person per nick: a second connection under a nick comes from its owner's device, as a
  // client that keeps welcome.device does, unless a test asks for a stranger.
  const devices = new Map<string, string>();
  function deviceOf(nick: string): string | undefined {
    return devices.get(nickKey(nick));
  }
  function keep(nick: string, received: readonly ServerMessage[]): void {
    const welcome = received.find((message) => message.type === "welcome");
    if (welcome?.type === "welcome" && welcome.device !== undefined) {
      devices.set(nickKey(nick), welcome.device);
    }
  }
  async function connect(
    nick: string,
    room?: string,
    options: { stranger?: boolean } = {},
  ): Promise<User> {
    const { peer, session } = open();
    const device = options.stranger ? undefined : deviceOf(nick);
    await session.handle(
      device === undefined
        ? { type: "hello", v: 1, nick, passkey: PASSKEY, room }
        : { type: "hello", v: 1, nick, device, room },
    );
    keep(nick, peer.messages);
    const user: User = {
      nick,
      peer,
      session,
      handle: (message) => session.handle(message),
      take: () => peer.take(),
    };
    users.push(user);
    return user;
  }
  function clear(): void {
    for (const user of users) user.peer.take();
  }
  return { hub, history, open, connect, clear, deviceOf, keep };
}

/** When the held `page()` reads the store: before it is held, or once it is released. */
export type Snapshot = "before" | "after";

/** A `page()` call held open by {@linkcode GatedHistoryStore.holdNextPage}. */
export interface HeldPage {
  /** Resolves once `page()` has been called and is being held. */
  paused: Promise<void>;
  /** Lets the held `page()` resolve. */
  release(): void;
}

/**
 * A memory store whose next `page()` can be held open, to reproduce a slow history read
 * while live events are published.
 */
export class GatedHistoryStore implements HistoryStore {
  readonly #inner = new MemoryHistoryStore();
  #hold: { snapshot: Snapshot; paused: () => void; released: Promise<void> } | undefined;

  /** Holds the next `page()` call of a page of history until `release()` is called. */
  holdNextPage(snapshot: Snapshot): HeldPage {
    const paused = Promise.withResolvers<void>();
    const released = Promise.withResolvers<void>();
    this.#hold = { snapshot, paused: paused.resolve, released: released.promise };
    return { paused: paused.promise, release: released.resolve };
  }

  append(event: NewEvent): Promise<AppendResult> {
    return this.#inner.append(event);
  }

  keep(events: readonly StoredEvent[]): Promise<void> {
    return this.#inner.keep(events);
  }

  async page(room: string, options: PageOptions): Promise<StoredEvent[]> {
    const hold = this.#hold;
    // Only the page of history itself is held, not the look at the room's newest event.
    if (hold === undefined || !options.skipPresence) return await this.#inner.page(room, options);
    this.#hold = undefined;
    const early = hold.snapshot === "before" ? await this.#inner.page(room, options) : undefined;
    hold.paused();
    await hold.released;
    return early ?? await this.#inner.page(room, options);
  }

  privates(nick: string, options: PrivatesOptions): Promise<StoredEvent[]> {
    return this.#inner.privates(nick, options);
  }

  conversation(
    nick: string,
    other: string,
    options: Parameters<HistoryStore["conversation"]>[2],
  ): Promise<StoredEvent[]> {
    return this.#inner.conversation(nick, other, options);
  }

  conversations(nick: string, options: PrivatesOptions): ReturnType<HistoryStore["conversations"]> {
    return this.#inner.conversations(nick, options);
  }

  tally(...args: Parameters<HistoryStore["tally"]>): ReturnType<HistoryStore["tally"]> {
    return this.#inner.tally(...args);
  }

  mentions(...args: Parameters<HistoryStore["mentions"]>): ReturnType<HistoryStore["mentions"]> {
    return this.#inner.mentions(...args);
  }

  lastId(): Promise<number> {
    return this.#inner.lastId();
  }

  count(): Promise<number> {
    return this.#inner.count();
  }

  events(options: PrivatesOptions): Promise<StoredEvent[]> {
    return this.#inner.events(options);
  }

  byClientId(clientId: string): Promise<StoredEvent | undefined> {
    return this.#inner.byClientId(clientId);
  }

  event(id: number): Promise<StoredEvent | undefined> {
    return this.#inner.event(id);
  }

  search(...args: Parameters<HistoryStore["search"]>): ReturnType<HistoryStore["search"]> {
    return this.#inner.search(...args);
  }

  file(id: number): Promise<StoredEvent | undefined> {
    return this.#inner.file(id);
  }

  files(options: { room?: string; limit: number }): Promise<StoredEvent[]> {
    return this.#inner.files(options);
  }

  deleteBefore(ts: number): ReturnType<HistoryStore["deleteBefore"]> {
    return this.#inner.deleteBefore(ts);
  }

  wipe(): ReturnType<HistoryStore["wipe"]> {
    return this.#inner.wipe();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
