/**
 * The host controls at the session level (PROTOCOL.md section 3.5): who may use them, what each
 * does to the others, and that nothing a client says about itself gives it powers.
 *
 * @module
 */
import { assertEquals, assertRejects } from "@std/assert";
import { ProtocolError, type ServerMessage } from "../../src/protocol/mod.ts";
import { MemoryModerationStore } from "../../src/store/mod.ts";
import { NOW, PASSKEY, startChat, type TestChat, type User } from "./_chat.ts";

/** The operator credential of the test hubs. */
const OPERATOR_KEY = "0123456789abcdef0123456789abcdef01234567";

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A hub whose operator credential is {@linkcode OPERATOR_KEY}, and its host signed in as `host`. */
async function withHost(
  options: Parameters<typeof startChat>[0] = {},
): Promise<{ chat: TestChat; host: User }> {
  const chat = await startChat({ ...options, operatorKeyHash: await sha256(OPERATOR_KEY) });
  const { peer, session } = chat.open();
  await session.handle({
    type: "hello",
    v: 1,
    nick: "host",
    passkey: PASSKEY,
    operator: OPERATOR_KEY,
  });
  chat.keep("host", peer.messages);
  const host: User = {
    nick: "host",
    peer,
    session,
    handle: (message) => session.handle(message),
    take: () => peer.take(),
  };
  return { chat, host };
}

/** The one message of `type` among `messages`. */
function only<T extends ServerMessage["type"]>(
  messages: ServerMessage[],
  type: T,
): Extract<ServerMessage, { type: T }> {
  const found = messages.filter((message) => message.type === type);
  assertEquals(found.length, 1, `one ${type} in ${JSON.stringify(messages)}`);
  return found[0] as Extract<ServerMessage, { type: T }>;
}

async function refused(work: () => Promise<unknown>, code: string): Promise<ProtocolError> {
  const error = await assertRejects(work, ProtocolError);
  assertEquals(error.code, code, error.message);
  return error;
}

Deno.test("Session: the operator credential signs the host in; a wrong one is refused and closes", async () => {
  const { chat, host } = await withHost();
  const welcome = only(host.peer.messages, "welcome");
  assertEquals(welcome.operator, true);
  assertEquals(await chat.hub.moderation.isOperatorNick("HOST"), true, "the role is kept");
  const ana = await chat.connect("ana");
  assertEquals(only(ana.peer.messages, "welcome").operator, undefined);
  assertEquals(only(ana.peer.messages, "joined").ops, ["host"]);

  const { session, peer } = chat.open();
  const error = await refused(
    () =>
      session.handle({ type: "hello", v: 1, nick: "mallory", passkey: PASSKEY, operator: "guess" }),
    "not_permitted",
  );
  assertEquals(error.fatal, true);
  assertEquals(peer.messages.some((message) => message.type === "welcome"), false);
});

Deno.test("Session: anyone but an operator gets not_permitted for every host control", async () => {
  const { chat } = await withHost();
  const ana = await chat.connect("ana");
  await chat.connect("ben");
  const requests = [
    { type: "op", rid: "1", nick: "ana" },
    { type: "deop", rid: "1", nick: "host" },
    { type: "kick", rid: "1", nick: "ben" },
    { type: "ban", rid: "1", nick: "ben", address: true },
    { type: "unban", rid: "1", nick: "ben" },
    { type: "bans", rid: "1" },
    { type: "mute", rid: "1", nick: "ben" },
    { type: "unmute", rid: "1", nick: "ben" },
    { type: "audit", rid: "1" },
    { type: "topic", rid: "1", text: "mine now" },
    { type: "room_set", rid: "1", room: "lobby", announce: true },
    { type: "release", rid: "1", nick: "ben" },
    { type: "devices", rid: "1", nick: "ben" },
  ] as const;
  for (const request of requests) await refused(() => ana.handle(request), "not_permitted");
  assertEquals(await chat.hub.moderation.store.audit({ limit: 10 }), [
    { id: 1, at: NOW, by: "host", action: "host", nick: "host", detail: "from 192.0.2.1:50001" },
  ]);
});

Deno.test("Session: /op makes an owned nick an operator on every device, announced; /deop undoes it", async () => {
  const { chat, host } = await withHost();
  const ana = await chat.connect("ana");
  await refused(() => host.handle({ type: "op", rid: "1", nick: "nobody" }), "no_such_user");
  chat.clear();
  await host.handle({ type: "op", rid: "2", nick: "ANA" });
  assertEquals(only(host.take(), "done"), {
    type: "done",
    rid: "2",
    text: "ana is an operator now.",
  });
  const notice = only(ana.take(), "notice");
  assertEquals([notice.event, notice.from, notice.by], ["op", "ana", "host"]);
  assertEquals(ana.session.operator, true);
  await ana.handle({ type: "bans", rid: "3" });
  assertEquals(only(ana.take(), "ban_list").bans, []);
  await ana.handle({ type: "who", rid: "4" });
  assertEquals(only(ana.take(), "users").ops, ["ana", "host"]);

  await host.handle({ type: "deop", rid: "5", nick: "ana" });
  assertEquals(ana.session.operator, false);
  await refused(() => ana.handle({ type: "bans", rid: "6" }), "not_permitted");
});

Deno.test("Session: /kick closes the person's connection with kicked, announced and audited", async () => {
  const { chat, host } = await withHost();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  chat.clear();
  await host.handle({ type: "kick", rid: "1", nick: "Ben", reason: "flooding" });
  assertEquals(only(host.take(), "done").text, "ben was kicked.");
  const notice = only(ana.take(), "notice");
  assertEquals(
    [notice.event, notice.from, notice.by, notice.reason, notice.text],
    ["kick", "ben", "host", "flooding", "ben was kicked by host: flooding."],
  );
  const error = only(ben.take(), "error");
  assertEquals([error.code, error.fatal, error.message], [
    "kicked",
    true,
    "You were kicked by host: flooding.",
  ]);
  assertEquals(ben.peer.closed, true);
  const [entry] = await chat.hub.moderation.store.audit({ limit: 1 });
  assertEquals([entry.action, entry.nick, entry.reason, entry.room], [
    "kick",
    "ben",
    "flooding",
    "lobby",
  ]);
  // An operator is not kicked until demoted.
  await host.handle({ type: "op", rid: "2", nick: "ana" });
  await refused(() => host.handle({ type: "kick", rid: "3", nick: "ana" }), "not_permitted");
});

Deno.test("Session: a ban keeps the person out on every device and nick, and their address with address", async () => {
  const { chat, host } = await withHost();
  const ben = await chat.connect("ben");
  const device = chat.deviceOf("ben")!;
  chat.clear();
  await host.handle({
    type: "ban",
    rid: "1",
    nick: "ben",
    duration_s: 3600,
    reason: "spam",
    address: true,
  });
  const done = only(host.take(), "done");
  assertEquals(done.text.startsWith("ben is banned until "), true, done.text);
  assertEquals(only(ben.take(), "error").code, "banned");
  assertEquals(ben.peer.closed, true);
  await ben.session.disconnect();

  // Back with the same device under another nick: refused before welcome.
  const again = chat.open();
  await refused(
    () => again.session.handle({ type: "hello", v: 1, nick: "ben2", device }),
    "banned",
  );
  // Anyone from that address is refused, even with the passkey.
  const stranger = chat.open();
  await refused(
    () => stranger.session.handle({ type: "hello", v: 1, nick: "cy", passkey: PASSKEY }),
    "banned",
  );
  await host.handle({ type: "bans", rid: "2" });
  const bans = only(host.take(), "ban_list").bans;
  assertEquals(bans.map((ban) => [ban.nick, ban.address, ban.reason]), [
    ["ben", undefined, "spam"],
    ["ben", "192.0.2.1", "spam"],
  ]);
  await host.handle({ type: "unban", rid: "3", nick: "ben" });
  assertEquals(only(host.take(), "done").text, "ben is no longer banned.");
  const back = chat.open();
  await back.session.handle({ type: "hello", v: 1, nick: "ben", device });
  assertEquals(back.peer.messages[0].type, "welcome");
});

Deno.test("Session: a muted person reads but may not post, write privately or share files until unmuted", async () => {
  const { chat, host } = await withHost();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  chat.clear();
  await host.handle({ type: "mute", rid: "1", nick: "ben", reason: "calm down" });
  assertEquals(only(ana.take(), "notice").event, "mute");
  await refused(() => ben.handle({ type: "send", rid: "2", text: "hi" }), "muted");
  await refused(() => ben.handle({ type: "private", rid: "3", to: "ana", text: "hi" }), "muted");
  await refused(() => ben.handle({ type: "upload", rid: "4", name: "a.txt", size: 1 }), "muted");
  await ana.handle({ type: "send", rid: "5", text: "I still talk" });
  assertEquals(only(ben.take(), "message").text, "I still talk");
  await host.handle({ type: "unmute", rid: "6", nick: "ben" });
  await ben.handle({ type: "send", rid: "7", text: "thanks" });
  assertEquals(only(ben.take(), "ack").event.text, "thanks");
});

Deno.test("Session: topics and room settings: announcement, passkey, slow mode, files, closed", async () => {
  let now = 1_700_000_000_000;
  const { chat, host } = await withHost({ now: () => now });
  const ana = await chat.connect("ana");
  chat.clear();
  await host.handle({ type: "topic", rid: "1", text: "Quiz at 10" });
  assertEquals(only(ana.take(), "notice").topic, "Quiz at 10");
  const cy = await chat.connect("cy");
  assertEquals(only(cy.take(), "joined").topic, "Quiz at 10");

  await host.handle({ type: "room_set", rid: "2", room: "news", announce: true });
  assertEquals(only(host.take(), "room_settings"), {
    type: "room_settings",
    room: "news",
    announce: true,
    locked: false,
    slow_s: 0,
    files: true,
    closed: false,
    rid: "2",
  });
  await ana.handle({ type: "join", room: "news" });
  await refused(() => ana.handle({ type: "send", rid: "3", text: "me too" }), "not_permitted");

  await host.handle({ type: "room_set", rid: "4", room: "staff", passkey: "tea" });
  await refused(() => ana.handle({ type: "join", room: "staff" }), "room_locked");
  await refused(
    () => ana.handle({ type: "join", room: "staff", passkey: "coffee" }),
    "room_locked",
  );
  await ana.handle({ type: "join", room: "staff", passkey: "tea" });
  assertEquals(ana.session.room, "staff");
  const late = chat.open();
  await refused(
    () =>
      late.session.handle({ type: "hello", v: 1, nick: "dee", passkey: PASSKEY, room: "staff" }),
    "room_locked",
  );

  await host.handle({ type: "room_set", rid: "5", room: "staff", slow_s: 10, files: false });
  await ana.handle({ type: "send", rid: "6", text: "one" });
  const slow = await refused(
    () => ana.handle({ type: "send", rid: "7", text: "two" }),
    "slow_mode",
  );
  assertEquals(slow.retryAfterMs, 10_000);
  now += 10_000;
  await ana.handle({ type: "send", rid: "8", text: "two" });
  await refused(
    () => ana.handle({ type: "upload", rid: "9", name: "a", size: 1 }),
    "not_permitted",
  );

  await host.handle({ type: "room_set", rid: "10", room: "staff", closed: true });
  await refused(() => ana.handle({ type: "send", rid: "11", text: "x" }), "room_closed");
  await ana.handle({ type: "join", room: "lobby" });
  await refused(() => ana.handle({ type: "join", room: "staff", passkey: "tea" }), "room_closed");
  const audit = await chat.hub.moderation.store.audit({ limit: 3 });
  assertEquals(audit.map((entry) => [entry.action, entry.room, entry.detail]), [
    ["room_set", "staff", "closed"],
    ["room_set", "staff", "slow mode, 10 s, no files"],
    ["room_set", "staff", "a passkey of its own"],
  ]);
});

Deno.test("Session: --no-private and --no-files refuse private messages and files, even to operators", async () => {
  const { chat, host } = await withHost({ privateMessages: false, files: false });
  await chat.connect("ana");
  await refused(
    () => host.handle({ type: "private", rid: "1", to: "ana", text: "hi" }),
    "not_permitted",
  );
  await refused(
    () => host.handle({ type: "upload", rid: "2", name: "a", size: 1 }),
    "not_permitted",
  );
});

Deno.test("Session: /release frees a nick and its role; /devices lists and removes the owner's devices", async () => {
  const { chat, host } = await withHost({ moderation: new MemoryModerationStore() });
  const ana = await chat.connect("ana");
  await host.handle({ type: "op", rid: "1", nick: "ana" });
  chat.clear();
  await host.handle({ type: "devices", rid: "2", nick: "ana" });
  const list = only(host.take(), "device_list");
  assertEquals(list.devices.length, 1);
  const id = list.devices[0].id;
  await host.handle({ type: "devices", rid: "3", nick: "ana", remove: id });
  assertEquals(only(host.take(), "device_list").devices, []);
  await ana.session.disconnect();
  const again = chat.open();
  await refused(
    () => again.session.handle({ type: "hello", v: 1, nick: "ana", device: chat.deviceOf("ana")! }),
    "bad_device",
  );
  await host.handle({ type: "release", rid: "4", nick: "ana" });
  assertEquals(await chat.hub.moderation.isOperatorNick("ana"), false);
  const stranger = await chat.connect("ana", "lobby", { stranger: true });
  assertEquals(only(stranger.peer.messages, "welcome").operator, undefined);
});

Deno.test("Session: a nick freed by the server's --release-nick loses its role; a locked room keeps nothing of a refused login", async () => {
  const { chat, host } = await withHost();
  const ana = await chat.connect("ana");
  await host.handle({ type: "op", rid: "1", nick: "ana" });
  await ana.session.disconnect();
  assertEquals(await chat.hub.releaseOwnership("ana"), true);
  const stranger = await chat.connect("ana", "lobby", { stranger: true });
  assertEquals(stranger.session.operator, false);

  await host.handle({ type: "room_set", rid: "2", room: "staff", passkey: "tea" });
  const refusedLogin = chat.open();
  await refused(
    () =>
      refusedLogin.session.handle({
        type: "hello",
        v: 1,
        nick: "eve",
        passkey: PASSKEY,
        room: "staff",
      }),
    "room_locked",
  );
  assertEquals(await chat.hub.nickOwnership("eve", "anyone", { claim: false }), undefined);
});
