import { Hub, PasskeyChecker, Session } from "../../src/chat/mod.ts";
import type { ClientMessage, ServerMessage } from "../../src/protocol/mod.ts";
import {
  LocalEventLog,
  MemoryBlobStore,
  MemoryHistoryStore,
  MemoryIdentityStore,
  MemoryModerationStore,
  MemoryReadMarkerStore,
  MemoryRegistry,
  MemorySessionStore,
} from "../../src/store/mod.ts";
import { PASSKEY, SERVER } from "./_chat.ts";
import { ManualClock } from "../_manual_clock.ts";
import { FakePeer } from "./_fake_peer.ts";

export { ManualClock };

/** A session opened from a chosen remote address. */
export interface Visitor {
  peer: FakePeer;
  session: Session;
  handle(message: ClientMessage): Promise<void>;
  take(): ServerMessage[];
}

/** A hub whose clock, rate limit and log the test controls, for the abuse limits. */
export interface GuardedChat {
  hub: Hub;
  history: MemoryHistoryStore;
  clock: ManualClock;
  /** Every line the hub logged. */
  log: string[];
  /** A new, unauthenticated session from `remote` ("192.0.2.7:50000"). */
  open(remote: string): Visitor;
  /** A session from `remote` that has said a successful `hello`. */
  connect(remote: string, nick: string, room?: string): Promise<Visitor>;
}

/** Builds a {@linkcode GuardedChat} with the passkey {@linkcode PASSKEY}. */
export async function startGuardedChat(
  options: { rate?: { perSecond: number; burst: number }; freePasskeyFailures?: number } = {},
): Promise<GuardedChat> {
  const clock = new ManualClock();
  const log: string[] = [];
  const history = new MemoryHistoryStore();
  const hub = new Hub({
    history,
    events: new LocalEventLog(history),
    registry: new MemoryRegistry(),
    sessions: new MemorySessionStore(),
    identities: new MemoryIdentityStore(),
    readMarkers: new MemoryReadMarkerStore(),
    moderation: new MemoryModerationStore(),
    blobs: new MemoryBlobStore(),
    maxFileBytes: 1024 * 1024,
    passkey: await PasskeyChecker.create(PASSKEY),
    historyLimit: 50,
    maxMessageBytes: 4096,
    serverName: SERVER,
    // Only what is set: a key present with `undefined` would replace the hub's default.
    ...(options.rate === undefined ? {} : { rate: options.rate }),
    ...(options.freePasskeyFailures === undefined
      ? {}
      : { freePasskeyFailures: options.freePasskeyFailures }),
    now: clock.now,
    log: (line) => log.push(line),
  });
  function open(remote: string): Visitor {
    const peer = new FakePeer();
    const session = new Session(hub, peer, remote);
    return {
      peer,
      session,
      handle: (message) => session.handle(message),
      take: () => peer.take(),
    };
  }
  async function connect(remote: string, nick: string, room?: string): Promise<Visitor> {
    const visitor = open(remote);
    await visitor.handle({ type: "hello", v: 1, nick, passkey: PASSKEY, room });
    return visitor;
  }
  return { hub, history, clock, log, open, connect };
}
