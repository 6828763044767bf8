import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { INVITE_TTL_MS, LINK_CODE_TTL_MS } from "../../src/chat/mod.ts";
import { ProtocolError, type ServerMessage } from "../../src/protocol/mod.ts";
import { MemoryIdentityStore } from "../../src/store/mod.ts";
import { NOW, PASSKEY, startChat, type TestChat } from "./_chat.ts";

/**
 * Says `hello` on a new connection with `fields`, then disconnects; returns what came back, or
 * the refusal.
 */
async function hello(
  chat: TestChat,
  fields: Record<string, unknown>,
): Promise<ServerMessage[] | ProtocolError> {
  const { session, peer } = chat.open();
  try {
    await session.handle({ type: "hello", v: 1, nick: "ada", ...fields } as never);
    return peer.take();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  } finally {
    // Gone again at once, so the nick is free for the next connection of the test.
    await session.disconnect();
  }
}

function welcomeOf(
  result: ServerMessage[] | ProtocolError,
): Extract<ServerMessage, { type: "welcome" }> {
  if (result instanceof ProtocolError) throw new Error(`refused: ${result.code} ${result.message}`);
  const welcome = result.find((message) => message.type === "welcome");
  if (welcome?.type !== "welcome") throw new Error("no welcome");
  return welcome;
}

/** The first message of `type` among `messages`; throws when there is none. */
function find<T extends ServerMessage["type"]>(
  messages: readonly ServerMessage[],
  type: T,
): Extract<ServerMessage, { type: T }> {
  const found = messages.find((message) => message.type === type);
  if (found === undefined) throw new Error(`no ${type} among ${JSON.stringify(messages)}`);
  return found as Extract<ServerMessage, { type: T }>;
}

function codeOf(result: ServerMessage[] | ProtocolError): string {
  return result instanceof ProtocolError ? result.code : "welcome";
}

/** A clock the test moves. */
function movableClock(): { now: () => number; advance(ms: number): void } {
  let now = NOW;
  return { now: () => now, advance: (ms) => void (now += ms) };
}

Deno.test("Session: a first login by passkey makes a device that comes back without the passkey", async () => {
  const chat = await startChat();
  const first = welcomeOf(await hello(chat, { passkey: PASSKEY }));
  assertMatch(String(first.device), /^[0-9a-f]{16}\.[0-9a-z]{52}$/);
  const again = await hello(chat, { device: first.device });
  assertEquals(welcomeOf(again).device, undefined, "a known device gets no new credential");
});

Deno.test("Session: a wrong or unknown device credential is a fatal bad_device and counts as a guess", async () => {
  const chat = await startChat();
  const { device } = welcomeOf(await hello(chat, { passkey: PASSKEY }));
  const [id] = device!.split(".");
  for (const wrong of [`${id}.${"x".repeat(52)}`, "nothing", "ffff.ffff", "", `${id}.`]) {
    const result = await hello(chat, { device: wrong });
    assertEquals(codeOf(result), "bad_device", wrong);
    assertEquals(result instanceof ProtocolError && result.fatal, true, wrong);
  }
  const locked = await hello(chat, { device });
  assertEquals(codeOf(locked), "locked_out", "the fifth wrong guess locked the address out");
});

Deno.test("Session: a new passkey signs every device out and revokes every invite", async () => {
  const identities = new MemoryIdentityStore();
  const before = await startChat({ identities });
  const { device } = welcomeOf(await hello(before, { passkey: PASSKEY }));
  const inviter = await before.connect("bob");
  await inviter.handle({ type: "invite", rid: "i1" });
  const invite = find(inviter.take(), "invite_created");

  const after = await startChat({ identities, passkey: "a-new-passkey" });
  assertEquals(codeOf(await hello(after, { device })), "bad_device");
  assertEquals(codeOf(await hello(after, { nick: "cy", invite: invite.token })), "bad_invite");
});

Deno.test("Session: an invite admits like the passkey until it expires, and makes a device", async () => {
  const clock = movableClock();
  const chat = await startChat({ now: clock.now });
  chat.hub.endpoints = { chatPort: 7777, webPort: 7778, tls: false };
  const bob = await chat.connect("bob");
  bob.take();
  await bob.handle({ type: "invite", rid: "i1", ttl_s: 3600 });
  const created = find(bob.take(), "invite_created");
  assertEquals(created, {
    type: "invite_created",
    rid: "i1",
    token: created.token,
    expires: new Date(NOW + 3600_000).toISOString(),
    chat_port: 7777,
    web_port: 7778,
    tls: false,
  });
  assertMatch(created.token, /^[0-9a-z]{26}$/);

  const guest = welcomeOf(await hello(chat, { nick: "guest", invite: created.token }));
  assert(guest.device !== undefined, "an invite makes a device");
  assertEquals(codeOf(await hello(chat, { nick: "guest2", invite: created.token })), "welcome");
  clock.advance(3600_001);
  assertEquals(codeOf(await hello(chat, { nick: "late", invite: created.token })), "bad_invite");
});

Deno.test("Session: an invite without ttl_s lasts the server's invite time", async () => {
  const chat = await startChat();
  const bob = await chat.connect("bob");
  bob.take();
  await bob.handle({ type: "invite", rid: "i1" });
  const [created] = bob.take();
  assertEquals(
    created.type === "invite_created" && created.expires,
    new Date(NOW + INVITE_TTL_MS).toISOString(),
  );
});

Deno.test("Session: a link code lets a second device of the same person use their nick, once", async () => {
  const clock = movableClock();
  const chat = await startChat({ now: clock.now });
  const ada = await chat.connect("ada");
  ada.take();
  await ada.handle({ type: "link_code", rid: "l1" });
  const shown = find(ada.take(), "link_code_created");
  assertMatch(shown.code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assertEquals(shown.expires, new Date(NOW + LINK_CODE_TTL_MS).toISOString());
  await ada.session.disconnect();

  // Typed on the phone, in lower case and without the dash.
  const phone = welcomeOf(
    await hello(chat, { nick: "ada", link: shown.code.toLowerCase().replace("-", "") }),
  );
  assert(phone.device !== undefined, "the phone gets a device of its own");
  assertEquals(codeOf(await hello(chat, { nick: "ada", link: shown.code })), "bad_link_code");
  assertEquals(codeOf(await hello(chat, { nick: "ada", device: phone.device })), "welcome");
  assertEquals(codeOf(await hello(chat, { nick: "ada", passkey: PASSKEY })), "nick_owned");
});

Deno.test("Session: a link code expires", async () => {
  const clock = movableClock();
  const chat = await startChat({ now: clock.now });
  const ada = await chat.connect("ada");
  ada.take();
  await ada.handle({ type: "link_code", rid: "l1" });
  const shown = find(ada.take(), "link_code_created");
  clock.advance(LINK_CODE_TTL_MS + 1);
  assertEquals(codeOf(await hello(chat, { nick: "ada2", link: shown.code })), "bad_link_code");
});

Deno.test("Session: a nick belongs to its first person: /nick to it is nick_owned, a free one is theirs", async () => {
  const chat = await startChat();
  const ada = await chat.connect("ada");
  const bob = await chat.connect("bob");
  await bob.session.disconnect();
  const error = await assertRejects(() => ada.handle({ type: "nick", nick: "BOB" }), ProtocolError);
  assertEquals([error.code, error.fatal, error.message], [
    "nick_owned",
    false,
    "The nick BOB belongs to someone else; choose another.",
  ]);
  await ada.handle({ type: "nick", nick: "ada_b", rid: "n1" });
  await ada.session.disconnect();
  assertEquals(await chat.hub.releaseOwnership("bob"), true);
  assertEquals(codeOf(await hello(chat, { nick: "ada_b", passkey: PASSKEY })), "nick_owned");
  assertEquals(codeOf(await hello(chat, { nick: "bob", passkey: PASSKEY })), "welcome");
});

Deno.test("Session: a device login with since gets its nick's private messages, without a resume token", async () => {
  const chat = await startChat();
  const ada = await chat.connect("ada");
  const bob = await chat.connect("bob");
  const seen = bob.take().findLast((message) => "id" in message);
  await bob.session.disconnect();
  await ada.handle({ type: "private", rid: "p1", to: "bob", text: "while you were away" });
  const back = await hello(chat, {
    nick: "bob",
    device: chat.deviceOf("bob"),
    since: seen && "id" in seen ? seen.id : 0,
  });
  if (back instanceof ProtocolError) throw back;
  assertEquals(
    back.flatMap((message) => message.type === "private" ? [message.text] : []),
    ["while you were away"],
  );
});

Deno.test("Session: a files-only connection borrows a free nick without owning it", async () => {
  const chat = await startChat();
  assertEquals(
    codeOf(await hello(chat, { nick: "ci", passkey: PASSKEY, presence: false })),
    "welcome",
  );
  assertEquals(
    codeOf(await hello(chat, { nick: "ci", passkey: PASSKEY })),
    "welcome",
    "still free",
  );
  assertEquals(
    codeOf(await hello(chat, { nick: "ci", passkey: PASSKEY, presence: false })),
    "nick_owned",
    "now owned",
  );
});

Deno.test("Session: a device signed out by a new passkey comes back with it as the same person, keeping its nick", async () => {
  const identities = new MemoryIdentityStore();
  const before = await startChat({ identities });
  const { device } = welcomeOf(await hello(before, { passkey: PASSKEY }));
  const after = await startChat({ identities, passkey: "rotated" });
  const again = welcomeOf(await hello(after, { device, passkey: "rotated" }));
  assert(again.device !== undefined && again.device !== device, "a new device");
  assertEquals(codeOf(await hello(after, { nick: "bo", device, passkey: "wrong" })), "bad_passkey");
});
