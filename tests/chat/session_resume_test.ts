import { assert, assertEquals, assertRejects } from "@std/assert";
import { CATCH_UP_LIMIT, RESUME_TTL_MS, type Session } from "../../src/chat/mod.ts";
import { ProtocolError, type ServerMessage } from "../../src/protocol/mod.ts";
import {
  MemoryHistoryStore,
  MemoryIdentityStore,
  MemorySessionStore,
} from "../../src/store/mod.ts";
import { NOW, PASSKEY, startChat, type TestChat, type User } from "./_chat.ts";
import type { FakePeer } from "./_fake_peer.ts";

/** The `resume` token of a user's `welcome`. */
function tokenOf(received: ServerMessage[]): string {
  const welcome = received.find((message) => message.type === "welcome");
  if (welcome?.type !== "welcome" || welcome.resume === undefined) throw new Error("no token");
  return welcome.resume;
}

/** The `id` of an event or ack. */
function idOf(message: ServerMessage | undefined): number {
  if (message === undefined || !("id" in message)) throw new Error("no id");
  return message.id;
}

/**
 * Logs `nick` in again from its person's device with a resume token and `since`, or, as a
 * `stranger`, with the passkey; returns what it received.
 */
async function resume(
  chat: TestChat,
  nick: string,
  resumeToken: string,
  since: number,
  options: { stranger?: boolean } = {},
): Promise<{ session: Session; peer: FakePeer; received: ServerMessage[] }> {
  const { session, peer } = chat.open();
  const device = options.stranger ? undefined : chat.deviceOf(nick);
  const credential = device === undefined ? { passkey: PASSKEY } : { device };
  await session.handle({ type: "hello", v: 1, nick, ...credential, resume: resumeToken, since });
  return { session, peer, received: peer.take() };
}

function privatesIn(received: ServerMessage[]): string[] {
  return received.flatMap((message) => message.type === "private" ? [message.text] : []);
}

/** A clock the test moves. */
function movableClock(): { now: () => number; advance(ms: number): void } {
  let now = NOW;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

Deno.test("Session: whoever takes a released nick never receives its earlier private messages, even with since 0", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  await alice.handle({ type: "private", rid: "p1", to: "bob", text: "bob's secret" });
  await bob.handle({ type: "private", rid: "p2", to: "alice", text: "bob's answer" });
  await bob.session.disconnect();

  // The host frees the nick; someone else takes it and keeps its token.
  assertEquals(await chat.hub.releaseOwnership("bob"), true);
  const mallory = await chat.connect("bob", undefined, { stranger: true });
  const token = tokenOf(mallory.take());
  chat.keep("bob", mallory.peer.messages);
  await alice.handle({ type: "private", rid: "p3", to: "bob", text: "to whoever is bob now" });
  await mallory.session.disconnect();

  const again = await resume(chat, "bob", token, 0);
  assertEquals(privatesIn(again.received), ["to whoever is bob now"]);
});

Deno.test("Session: a stranger with someone's resume token gets nick_owned, not their session", async () => {
  const chat = await startChat();
  const bob = await chat.connect("bob");
  const token = tokenOf(bob.take());
  await bob.session.disconnect();
  const error = await assertRejects(
    () => resume(chat, "bob", token, 0, { stranger: true }),
    ProtocolError,
  );
  assertEquals(error.code, "nick_owned");
});

Deno.test("Session: a resumed login receives the private messages it missed, after since", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  const token = tokenOf(bob.take());
  await alice.handle({ type: "private", rid: "p1", to: "bob", text: "seen" });
  const seen = bob.take().find((message) => message.type === "private");
  await bob.session.disconnect();
  alice.take();
  await alice.handle({ type: "private", rid: "p2", to: "bob", text: "missed" });
  assertEquals(alice.take().map((message) => message.type), ["ack"], "stored for bob");

  const back = await resume(chat, "bob", token, idOf(seen));
  assertEquals(privatesIn(back.received), ["missed"]);
});

Deno.test("Session: a private message to someone whose session expired waits for their next login", async () => {
  const clock = movableClock();
  const chat = await startChat({ now: clock.now });
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  await bob.session.disconnect();
  clock.advance(RESUME_TTL_MS + 1);
  alice.take();
  await alice.handle({ type: "private", rid: "p1", to: "bob", text: "while you were away" });
  const [ack] = alice.take();
  if (ack.type !== "ack") throw new Error(`expected an ack, got ${ack.type}`);

  const back = await chat.connect("bob");
  const counts = back.take().find((message) => message.type === "unread_counts");
  if (counts?.type !== "unread_counts") throw new Error("no unread_counts after login");
  assertEquals(counts.places.find((place) => place.with !== undefined), {
    with: "alice",
    unread: 1,
    mentions: 0,
    last_id: ack.id,
    read_id: 0,
  });
  await back.handle({ type: "history", with: "alice", rid: "h" });
  assertEquals(privatesIn(back.take()), ["while you were away"]);
});

Deno.test("Session: a new login reusing an old login's rid sends a new message", async () => {
  const chat = await startChat();
  const bob = await chat.connect("bob");
  const quinn = await chat.connect("quinn");
  quinn.take();
  await quinn.handle({ type: "send", rid: "1", text: "the first quinn" });
  const [first] = quinn.take();
  await quinn.session.disconnect();
  bob.take();

  const next = await chat.connect("quinn");
  next.take();
  await next.handle({ type: "send", rid: "1", text: "a new quinn" });
  const [ack] = next.take();
  assertEquals(ack.type, "ack");
  assert(idOf(ack) > idOf(first), `a new id: ${idOf(ack)} after ${idOf(first)}`);
  assert(
    bob.take().some((message) => message.type === "message" && message.text === "a new quinn"),
  );
  const texts = (await chat.history.page("lobby", { limit: 20 })).map((event) => event.text);
  assert(texts.includes("a new quinn"), "stored");
});

Deno.test("Session: the same rid from the same session with another text is rid_reused, never a silent drop", async () => {
  const chat = await startChat();
  const quinn = await chat.connect("quinn");
  await quinn.handle({ type: "send", rid: "1", text: "first" });
  const error = await assertRejects(
    () => quinn.handle({ type: "send", rid: "1", text: "second" }),
    ProtocolError,
  );
  assertEquals([error.code, error.fatal], ["rid_reused", false]);
  assert(error.message.includes('"1"'), error.message);
});

Deno.test("Session: a resend after a resume is acknowledged with the original id, across a restart of the hub", async () => {
  const history = new MemoryHistoryStore();
  const sessions = new MemorySessionStore();
  const identities = new MemoryIdentityStore();
  const chat = await startChat({ history, sessions, identities });
  const ana = await chat.connect("ana");
  const welcome = ana.take();
  const token = tokenOf(welcome);
  await ana.handle({ type: "send", rid: "7", text: "stored before the crash" });
  const [ack] = ana.take();

  // The server crashes before ana hears more; a new hub opens the same stores.
  const restarted = await startChat({ history, sessions, identities });
  restarted.keep("ana", welcome);
  await restarted.hub.releaseAllSessions();
  const back = await resume(restarted, "ana", token, 0);
  await back.session.handle({ type: "send", rid: "7", text: "stored before the crash" });
  assertEquals(back.peer.take(), [ack]);
  const texts = (await history.page("lobby", { limit: 10 })).map((event) => event.text);
  assertEquals(texts.filter((text) => text === "stored before the crash").length, 1, "once");
});

Deno.test("Session: a catch-up leaves out the user's own join and leave notices", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  const token = tokenOf(bob.take());
  await alice.handle({ type: "send", rid: "a1", text: "before the drop" });
  const [seen] = bob.take();
  assertEquals(seen.type, "message");
  await bob.session.disconnect();
  await alice.handle({ type: "send", rid: "a2", text: "during the drop" });

  const back = await resume(chat, "bob", token, idOf(seen));
  assertEquals(back.received.map((message) => message.type), [
    "welcome",
    "joined",
    "message",
    "history_end",
    "unread_counts",
  ]);
  const end = back.received.at(-2);
  assertEquals(end, { type: "history_end", room: "lobby", count: 1, before: null, more: false });
});

Deno.test("Session: more missed events than a catch-up holds get the newest history and history_end.gap", async () => {
  const chat = await startChat({ historyLimit: 10 });
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  const token = tokenOf(bob.take());
  await bob.session.disconnect();
  for (let i = 0; i <= CATCH_UP_LIMIT; i++) {
    await chat.history.append({
      type: "message",
      room: "lobby",
      from: "alice",
      text: `${i}`,
      ts: NOW,
    });
  }
  alice.take();
  const back = await resume(chat, "bob", token, 1);
  const replayed = back.received.filter((message) => message.type === "message");
  assertEquals(replayed.length, 10);
  assert(replayed.every((message) => message.type === "message" && message.history === true));
  const end = back.received.find((message) => message.type === "history_end");
  assertEquals(end?.type === "history_end" && end.gap, true);
});

Deno.test("Session: history events answering a request carry its rid", async () => {
  const chat = await startChat();
  const alice: User = await chat.connect("alice");
  await alice.handle({ type: "send", rid: "a1", text: "one" });
  alice.take();
  await alice.handle({ type: "history", before: Number.MAX_SAFE_INTEGER, limit: 5, rid: "h1" });
  const received = alice.take();
  assert(received.length >= 2);
  assert(
    received.every((message) => "rid" in message && message.rid === "h1"),
    JSON.stringify(received),
  );
});
