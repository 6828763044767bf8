/**
 * Replies, reactions, edits, deletes and search at the session level (PROTOCOL.md section 3.6):
 * what each does for the others, and who may do it, decided from the connection alone.
 *
 * @module
 */
import { assertEquals, assertRejects } from "@std/assert";
import { ProtocolError, type ServerMessage } from "../../src/protocol/mod.ts";
import { startChat, type User } from "./_chat.ts";

/** The messages of `type` among `messages`. */
function ofType<T extends ServerMessage["type"]>(
  messages: ServerMessage[],
  type: T,
): Extract<ServerMessage, { type: T }>[] {
  return messages.filter((message) => message.type === type) as Extract<
    ServerMessage,
    { type: T }
  >[];
}

async function refused(work: () => Promise<unknown>, code: string): Promise<void> {
  const error = await assertRejects(work, ProtocolError);
  assertEquals(error.code, code, error.message);
}

/** Sends `text` as `user` and returns the id the server gave it. */
async function say(user: User, text: string, rid = crypto.randomUUID()): Promise<number> {
  await user.handle({ type: "send", rid, text });
  const ack = ofType(user.take(), "ack").at(-1)!;
  return ack.id;
}

Deno.test("Session: a reply carries the quote of its original, to everyone in the room", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  const id = await say(ana, "lunch at noon?");
  chat.clear();
  await ben.handle({ type: "send", rid: "r1", text: "yes!", reply_to: id });
  const [ack] = ofType(ben.take(), "ack");
  assertEquals([ack.event.reply_to, ack.event.quote], [id, {
    from: "ana",
    text: "lunch at noon?",
  }]);
  const [seen] = ofType(ana.take(), "message");
  assertEquals([seen.text, seen.reply_to, seen.quote?.text], ["yes!", id, "lunch at noon?"]);
});

Deno.test("Session: a reply to a message of another room, or to none, is no_such_message", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana", "kitchen");
  const ben = await chat.connect("ben");
  const elsewhere = await say(ana, "in the kitchen");
  await refused(
    () => ben.handle({ type: "send", rid: "r1", text: "hm", reply_to: elsewhere }),
    "no_such_message",
  );
  await refused(
    () => ben.handle({ type: "send", rid: "r2", text: "hm", reply_to: 999 }),
    "no_such_message",
  );
});

Deno.test("Session: reactions, edits and deletes reach the room as events naming the message", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  const id = await say(ana, "helo");
  chat.clear();
  await ben.handle({ type: "react", rid: "r1", id, emoji: "👍" });
  await ana.handle({ type: "edit", rid: "r2", id, text: "hello" });
  await ana.handle({ type: "delete", rid: "r3", id });
  const seen = ben.take().filter((message) =>
    ["edit", "delete", "reaction"].includes(message.type)
  );
  assertEquals(
    seen.map((message) =>
      message.type === "reaction" ? [message.type, message.ref, message.emoji] : [
        message.type,
        "ref" in message ? message.ref : undefined,
        "text" in message ? message.text : undefined,
      ]
    ),
    [["edit", id, "hello"], ["delete", id, ""]],
  );
  assertEquals(
    ofType(ana.take(), "reaction").map((message) => [message.from, message.emoji]),
    [["ben", "👍"]],
  );
  const stored = await chat.history.event(id);
  assertEquals([stored?.text, stored?.deleted, stored?.reactions], ["", true, undefined]);
});

Deno.test("Session: only the author edits; the author or an operator deletes", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  const id = await say(ana, "mine");
  await refused(() => ben.handle({ type: "edit", rid: "r1", id, text: "yours" }), "not_permitted");
  await refused(() => ben.handle({ type: "delete", rid: "r2", id }), "not_permitted");
  assertEquals((await chat.history.event(id))?.text, "mine");
  await ana.handle({ type: "delete", rid: "r3", id });
  await refused(() => ana.handle({ type: "edit", rid: "r4", id, text: "back" }), "no_such_message");
});

Deno.test("Session: a change resent after a reconnect is acknowledged again, not refused", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const id = await say(ana, "to delete");
  await ana.handle({ type: "delete", rid: "d1", id });
  const first = ofType(ana.take(), "ack")[0];
  await ana.handle({ type: "delete", rid: "d1", id });
  const again = ofType(ana.take(), "ack")[0];
  assertEquals(again.id, first.id);
});

Deno.test("Session: a message of a room someone never joined cannot be reacted to or found", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana", "secret");
  const ben = await chat.connect("ben");
  const id = await say(ana, "the treasure is under the oak");
  await refused(
    () => ben.handle({ type: "react", rid: "r1", id, emoji: "👀" }),
    "no_such_message",
  );
  await refused(
    () => ben.handle({ type: "search", rid: "s1", text: "treasure", room: "secret" }),
    "not_permitted",
  );
  await ben.handle({ type: "search", rid: "s2", text: "treasure" });
  assertEquals(ofType(ben.take(), "search_results")[0].events, []);
  await ana.handle({ type: "search", rid: "s3", text: "treasure" });
  assertEquals(ofType(ana.take(), "search_results")[0].events.map((event) => event.id), [id]);
});

Deno.test("Session: search finds one's own private conversations and never others'", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  const cy = await chat.connect("cy");
  await ana.handle({ type: "private", rid: "p1", to: "ben", text: "the password is tulip" });
  chat.clear();
  for (const [user, found] of [[ana, 1], [ben, 1], [cy, 0]] as const) {
    await user.handle({ type: "search", rid: "s1", text: "tulip" });
    const [results] = ofType(user.take(), "search_results");
    assertEquals(results.events.length, found, `${user.nick} finds ${found}`);
  }
});

Deno.test("Session: search pages newest first with before and more", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push(await say(ana, `apple number ${i}`));
  await ana.handle({ type: "search", rid: "s1", text: "apple", limit: 3 });
  const [first] = ofType(ana.take(), "search_results");
  assertEquals([first.events.map((event) => event.id), first.more], [ids.slice(2).reverse(), true]);
  await ana.handle({ type: "search", rid: "s2", text: "apple", limit: 3, before: ids[2] });
  const [second] = ofType(ana.take(), "search_results");
  assertEquals([second.events.map((event) => event.id), second.more], [
    ids.slice(0, 2).reverse(),
    false,
  ]);
});

Deno.test("Session: a reaction is an emoji: flags, keycaps, skin tones and families are, text is not", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const id = await say(ana, "react to me");
  for (const emoji of ["👍", "👍🏽", "🇫🇷", "1️⃣", "👨‍👩‍👧", "❤️", "🏳️‍🌈"]) {
    await ana.handle({ type: "react", rid: crypto.randomUUID(), id, emoji });
  }
  for (const emoji of ["lol", "1", "#", "\u001b[2J", "👍 👍", "<b>"]) {
    await refused(
      () => ana.handle({ type: "react", rid: crypto.randomUUID(), id, emoji }),
      "bad_request",
    );
  }
  assertEquals((await chat.history.event(id))?.reactions?.length, 7);
});

Deno.test("Session: read of a room never joined is refused and opens nothing to search or react to", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana", "staff");
  const eve = await chat.connect("eve");
  const id = await say(ana, "the vault code is swordfish");
  await refused(() => eve.handle({ type: "read", room: "staff", id }), "not_permitted");
  await eve.handle({ type: "search", rid: "s1", text: "swordfish" });
  assertEquals(ofType(eve.take(), "search_results")[0].events, []);
  await refused(
    () => eve.handle({ type: "react", rid: "r1", id, emoji: "👀" }),
    "no_such_message",
  );
});

Deno.test("Session: a room with a passkey is searched only by a connection that joined it with the passkey", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana", "staff");
  const id = await say(ana, "the vault code is swordfish");
  // ana follows staff; then it gets a passkey, and a new connection of hers did not give it.
  const settings = await chat.hub.moderation.store.roomSettings("staff");
  await chat.hub.moderation.store.setRoomSettings("staff", { ...settings, passkeyHash: "ab" });
  await ana.handle({ type: "search", rid: "s1", text: "swordfish" });
  assertEquals(ofType(ana.take(), "search_results")[0].events.map((event) => event.id), [id]);
  await ana.session.disconnect();
  const later = await chat.connect("ana", "lobby");
  await later.handle({ type: "search", rid: "s2", text: "swordfish" });
  assertEquals(ofType(later.take(), "search_results")[0].events, []);
});

Deno.test("Session: a connection for files only does not see the room it names", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana", "staff");
  await say(ana, "the vault code is swordfish");
  const { peer, session } = chat.open();
  await session.handle({
    type: "hello",
    v: 1,
    nick: "zed",
    passkey: "secret",
    room: "staff",
    presence: false,
  });
  peer.take();
  await session.handle({ type: "search", rid: "s1", text: "swordfish" });
  assertEquals(ofType(peer.take(), "search_results")[0].events, []);
});

Deno.test("Session: whoever claims a released nick finds, quotes and changes none of its earlier owner's messages", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  await ana.handle({ type: "private", rid: "p1", to: "ben", text: "my pin is 4242 swordfish" });
  const secret = ofType(ana.take(), "ack")[0].id;
  const said = await say(ana, "a room message by the first ana");
  await ana.session.disconnect();
  assertEquals(await chat.hub.releaseOwnership("ana"), true);
  const stranger = await chat.connect("ana", "lobby", { stranger: true });
  stranger.take();
  await stranger.handle({ type: "search", rid: "s1", text: "swordfish" });
  assertEquals(ofType(stranger.take(), "search_results")[0].events, []);
  await refused(
    () => stranger.handle({ type: "private", rid: "p2", to: "ben", text: "hm", reply_to: secret }),
    "no_such_message",
  );
  await refused(
    () => stranger.handle({ type: "edit", rid: "e1", id: secret, text: "x" }),
    "no_such_message",
  );
  await refused(
    () => stranger.handle({ type: "edit", rid: "e2", id: said, text: "x" }),
    "not_permitted",
  );
  await refused(() => stranger.handle({ type: "delete", rid: "d1", id: said }), "not_permitted");
  ben.take();
});

Deno.test("Session: a change request's rid used again for another change is rid_reused", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const first = await say(ana, "one");
  const second = await say(ana, "two");
  await ana.handle({ type: "react", rid: "r1", id: first, emoji: "👍" });
  await ana.handle({ type: "react", rid: "r1", id: first, emoji: "👍" });
  assertEquals(ofType(ana.take(), "ack").length, 2);
  await refused(
    () => ana.handle({ type: "react", rid: "r1", id: second, emoji: "👍" }),
    "rid_reused",
  );
  await refused(
    () => ana.handle({ type: "react", rid: "r1", id: first, emoji: "🎉" }),
    "rid_reused",
  );
  assertEquals((await chat.history.event(second))?.reactions, undefined);
});
