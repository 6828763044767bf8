import { assertEquals, assertRejects } from "@std/assert";
import { TYPING_INTERVAL_MS } from "../../src/chat/mod.ts";
import { ProtocolError, type ServerMessage } from "../../src/protocol/mod.ts";
import { MemoryBlobStore } from "../../src/store/mod.ts";
import { NOW, PASSKEY, startChat, type TestChat, type User } from "./_chat.ts";

/** The one message of `type` among `received`; throws when there is none or several. */
function only<T extends ServerMessage["type"]>(
  received: ServerMessage[],
  type: T,
): Extract<ServerMessage, { type: T }> {
  const found = received.filter((message) => message.type === type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, got ${received.map((m) => m.type).join(", ")}`);
  }
  return found[0] as Extract<ServerMessage, { type: T }>;
}

/** A second connection of the person who uses `nick`, under `as`, in `room`. */
async function secondDevice(chat: TestChat, nick: string, as: string, room?: string) {
  const { peer, session } = chat.open();
  await session.handle({ type: "hello", v: 1, nick: as, device: chat.deviceOf(nick)!, room });
  const user: User = {
    nick: as,
    peer,
    session,
    handle: (message) => session.handle(message),
    take: () => peer.take(),
  };
  return user;
}

Deno.test("Session: a room left behind is followed: its messages arrive as activity, mentions flagged", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const dan = await chat.connect("dan");
  const ben = await chat.connect("ben");
  await ana.handle({ type: "join", room: "side" });
  await dan.handle({ type: "join", room: "side" });
  chat.clear();

  await ben.handle({ type: "send", rid: "1", text: "plain" });
  const id = await chat.history.lastId();
  // One encoding for everyone it is the same for.
  assertEquals(ana.peer.outbound[0] === dan.peer.outbound[0], true);
  await ben.handle({ type: "send", rid: "2", text: "hey @ANA look" });
  await ben.handle({ type: "send", rid: "3", text: "waves", action: true });
  assertEquals(ana.take(), [
    { type: "activity", room: "lobby", id, from: "ben" },
    { type: "activity", room: "lobby", id: id + 1, from: "ben", mention: true },
    { type: "activity", room: "lobby", id: id + 2, from: "ben" },
  ]);
  assertEquals(dan.take().filter((message) => message.type === "activity" && message.mention), []);
});

Deno.test("Session: no activity for joins and leaves, for one's own messages, or for an unfollowed room", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben", "lab");
  await ana.handle({ type: "join", room: "side" });
  chat.clear();
  await ben.handle({ type: "send", rid: "1", text: "in the lab, which ana never joined" });
  await ben.handle({ type: "join", room: "lobby" });
  await ana.handle({ type: "send", rid: "2", text: "mine, in side" });
  assertEquals(ana.take().map((message) => message.type), ["ack"]);
});

Deno.test("Session: unread_counts after login counts what came since the person last read, with mentions", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  await ana.session.disconnect();
  await ben.handle({ type: "send", rid: "1", text: "one" });
  await ben.handle({ type: "send", rid: "2", text: "two @ana" });
  await ben.handle({ type: "private", rid: "3", to: "ana", text: "psst" });

  const back = await chat.connect("ana");
  const counts = only(back.take(), "unread_counts");
  assertEquals(counts.places.map((place) => ({ ...place, last_id: 0, read_id: 0 })), [
    { room: "lobby", unread: 2, mentions: 1, last_id: 0, read_id: 0 },
    { with: "ben", unread: 1, mentions: 0, last_id: 0, read_id: 0 },
  ]);
  const lobby = counts.places[0];
  assertEquals(lobby.last_id > lobby.read_id, true);
});

Deno.test("Session: read moves the person's marker and tells their other connections, never back", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const phone = await secondDevice(chat, "ana", "ana-phone", "side");
  const ben = await chat.connect("ben");
  await ben.handle({ type: "send", rid: "1", text: "one" });
  await ben.handle({ type: "send", rid: "2", text: "two" });
  const last = await chat.history.lastId();
  ana.take();
  phone.take();

  await ana.handle({ type: "read", room: "lobby", id: last });
  assertEquals(ana.take(), []);
  assertEquals(phone.take(), [{ type: "read_marker", room: "lobby", id: last }]);
  await ana.handle({ type: "read", room: "lobby", id: 1 });
  assertEquals(phone.take(), [{ type: "read_marker", room: "lobby", id: last }]);

  await phone.handle({ type: "unread", rid: "u" });
  const counts = only(phone.take(), "unread_counts");
  assertEquals(counts.rid, "u");
  assertEquals(counts.places.find((place) => place.room === "lobby")?.unread, 0);
});

Deno.test("Session: read cannot move a marker past the newest event, and names one place", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const phone = await secondDevice(chat, "ana", "ana-phone");
  phone.take();
  await ana.handle({ type: "read", room: "lobby", id: 1_000_000 });
  assertEquals(phone.take(), [{
    type: "read_marker",
    room: "lobby",
    id: await chat.history.lastId(),
  }]);
  for (const bad of [{}, { room: "lobby", with: "ben" }]) {
    const error = await assertRejects(
      () => ana.handle({ type: "read", id: 1, ...bad }),
      ProtocolError,
    );
    assertEquals(error.code, "bad_request");
  }
});

Deno.test("Session: history with pages a private conversation, only between the two", async () => {
  const chat = await startChat({ historyLimit: 2 });
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  const cy = await chat.connect("cy");
  for (const text of ["1", "2", "3"]) {
    await ana.handle({ type: "private", rid: `a${text}`, to: "ben", text });
  }
  await ben.handle({ type: "private", rid: "b", to: "ana", text: "4" });
  await cy.handle({ type: "private", rid: "c", to: "ana", text: "not with ben" });
  ana.take();

  await ana.handle({ type: "history", with: "BEN", rid: "h1" });
  const first = ana.take();
  assertEquals(first.flatMap((m) => m.type === "private" ? [m.text] : []), ["3", "4"]);
  const end = only(first, "history_end");
  assertEquals({ ...end, before: 0 }, {
    type: "history_end",
    room: "",
    with: "BEN",
    count: 2,
    before: 0,
    more: true,
    rid: "h1",
  });
  await ana.handle({ type: "history", with: "ben", before: end.before!, rid: "h2" });
  const second = ana.take();
  assertEquals(second.flatMap((m) => m.type === "private" ? [m.text] : []), ["1", "2"]);
  assertEquals(only(second, "history_end").more, false);
});

Deno.test("Session: a private message to an owned nick whose owner is offline is stored for them", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  await ana.session.disconnect();
  const ben = await chat.connect("ben");
  ben.take();
  await ben.handle({ type: "private", rid: "p", to: "Ana", text: "see you tomorrow" });
  assertEquals(ben.take().map((message) => message.type), ["ack"]);
  const error = await assertRejects(
    () => ben.handle({ type: "private", rid: "q", to: "nobody", text: "hello?" }),
    ProtocolError,
  );
  assertEquals(error.code, "no_such_user");
});

Deno.test("Session: mentions lists the newest messages that mention the nick, a page at a time", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben", "lab");
  for (let i = 1; i <= 3; i++) await ben.handle({ type: "send", rid: `${i}`, text: `@ana ${i}` });
  await ben.handle({ type: "send", rid: "x", text: "@anabel is not ana" });
  ana.take();
  await ana.handle({ type: "mentions", rid: "m", limit: 2 });
  const page = only(ana.take(), "mention_list");
  assertEquals(page.events.map((event) => [event.room, event.from, event.text]), [
    ["lab", "ben", "@ana 2"],
    ["lab", "ben", "@ana 3"],
  ]);
  assertEquals([page.more, page.rid], [true, "m"]);
  await ana.handle({ type: "mentions", before: page.events[0].id });
  const rest = only(ana.take(), "mention_list");
  assertEquals([rest.events.map((event) => event.text), rest.more], [["@ana 1"], false]);
});

Deno.test("Session: typing is relayed to the room or the person, at most once per interval", async () => {
  let now = NOW;
  const chat = await startChat({ now: () => now });
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  const cy = await chat.connect("cy", "lab");
  chat.clear();
  await ana.handle({ type: "typing" });
  await ana.handle({ type: "typing" });
  assertEquals(ben.take(), [{ type: "typing", from: "ana", room: "lobby" }]);
  assertEquals(ana.take(), []);
  now += TYPING_INTERVAL_MS;
  await ana.handle({ type: "typing", with: "cy" });
  assertEquals(cy.take(), [{ type: "typing", from: "ana" }]);
  assertEquals(ben.take(), []);
});

Deno.test("Session: typing is not relayed in a big room", async () => {
  const chat = await startChat({ bigRoom: 1 });
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  chat.clear();
  await ana.handle({ type: "typing" });
  assertEquals(ben.take(), []);
});

Deno.test("Session: away and back tell the room, and who and joined list who is away", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  chat.clear();
  await ana.handle({ type: "away", text: "lunch" });
  const presence = { type: "presence", nick: "ana", room: "lobby", away: true, text: "lunch" };
  assertEquals(ben.take(), [presence]);
  assertEquals(ana.take(), [presence]);
  await ben.handle({ type: "who", rid: "w" });
  assertEquals(ben.take(), [{
    type: "users",
    room: "lobby",
    users: ["ana", "ben"],
    rid: "w",
    away: ["ana"],
  }]);
  const cy = await chat.connect("cy");
  assertEquals(only(cy.take(), "joined").away, ["ana"]);
  chat.clear();
  await ana.handle({ type: "back" });
  assertEquals(ben.take(), [{ type: "presence", nick: "ana", room: "lobby", away: false }]);
  await ben.handle({ type: "who" });
  assertEquals(only(ben.take(), "users").away, undefined);
});

/** Uploads `text` as a file named `name` from `user`, privately to `to` when given. */
async function share(user: User, name: string, text: string, to?: string): Promise<number> {
  const bytes = new TextEncoder().encode(text);
  const sha256 = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
  await user.handle({ type: "upload", rid: "u", name, size: bytes.length, sha256, to });
  const ready = only(user.take(), "upload_ready");
  await user.session.chunk(ready.transfer, bytes);
  await user.handle({ type: "upload_end", rid: "e", transfer: ready.transfer, sha256 });
  return only(user.take(), "upload_done").id;
}

Deno.test("Session: a file shared with one person reaches only them; only the two can list or fetch it", async () => {
  const chat = await startChat({ blobs: new MemoryBlobStore() });
  const ana = await chat.connect("ana");
  const ben = await chat.connect("ben");
  const cy = await chat.connect("cy");
  chat.clear();
  const id = await share(ana, "secret.txt", "for ben only", "ben");
  const delivered = only(ben.take(), "file");
  assertEquals([delivered.id, delivered.to, delivered.file.name], [id, "ben", "secret.txt"]);
  assertEquals(cy.take(), []);

  await cy.handle({ type: "files", rid: "f" });
  assertEquals(only(cy.take(), "file_list").files, []);
  const error = await assertRejects(
    () => cy.handle({ type: "download", rid: "d", id }),
    ProtocolError,
  );
  assertEquals(error.code, "no_such_file");
  await cy.handle({ type: "files", rid: "g", with: "ana" });
  assertEquals(only(cy.take(), "file_list").files, []);

  await ben.handle({ type: "files", rid: "f", with: "ana" });
  assertEquals(only(ben.take(), "file_list").files.map((file) => [file.id, file.to]), [[
    id,
    "ben",
  ]]);
  await ben.handle({ type: "download", rid: "d", id });
  assertEquals(only(ben.take(), "download_ready").id, id);
  await ben.handle({ type: "history", with: "ana", rid: "h" });
  assertEquals(only(ben.take(), "file").id, id);
});

Deno.test("Session: a file for a nick nobody ever had is refused before any byte is sent", async () => {
  const chat = await startChat();
  const ana = await chat.connect("ana");
  const error = await assertRejects(
    () => ana.handle({ type: "upload", rid: "u", name: "x", size: 1, to: "nobody" }),
    ProtocolError,
  );
  assertEquals(error.code, "no_such_user");
});

/** A files-only connection (`presence: false`) of a new person, logged in with the passkey. */
async function filesOnly(chat: TestChat, nick: string): Promise<User> {
  const { peer, session } = chat.open();
  await session.handle({ type: "hello", v: 1, nick, passkey: PASSKEY, presence: false });
  peer.take();
  return {
    nick,
    peer,
    session,
    handle: (message) => session.handle(message),
    take: () => peer.take(),
  };
}

Deno.test("Session: a file shared privately from a files-only connection makes the nick its sender's, so nobody can borrow it to fetch the file", async () => {
  const chat = await startChat({ blobs: new MemoryBlobStore() });
  await chat.connect("ben");
  // ana only ever sent a file: her connection borrowed the nick, as files-only ones do.
  const ana = await filesOnly(chat, "ana");
  const id = await share(ana, "secret.txt", "for ben only", "ben");

  // cy, another person, borrowing "ana" would be taken for the sender.
  const { session } = chat.open();
  const error = await assertRejects(
    () => session.handle({ type: "hello", v: 1, nick: "ana", passkey: PASSKEY, presence: false }),
    ProtocolError,
  );
  assertEquals(error.code, "nick_owned");

  // ana herself, from her device, still lists and fetches it.
  await ana.handle({ type: "files", rid: "f", with: "ben" });
  assertEquals(only(ana.take(), "file_list").files.map((file) => file.id), [id]);
  await ana.handle({ type: "download", rid: "d", id });
  assertEquals(only(ana.take(), "download_ready").id, id);
});

Deno.test("Session: whoever owns a nick after the host freed it cannot list or fetch the files shared privately with the one before", async () => {
  const chat = await startChat({ blobs: new MemoryBlobStore() });
  const ana = await chat.connect("ana");
  await chat.connect("ben");
  const id = await share(ana, "secret.txt", "for ben only", "ben");
  await ana.session.disconnect();
  await chat.hub.releaseOwnership("ana");
  const newAna = await chat.connect("ana", undefined, { stranger: true });
  newAna.take();
  await newAna.handle({ type: "files", rid: "f", with: "ben" });
  assertEquals(only(newAna.take(), "file_list").files, [], "not in the new ana's list");
  const error = await assertRejects(
    () => newAna.handle({ type: "download", rid: "d", id }),
    ProtocolError,
  );
  assertEquals(error.code, "no_such_file");
  await newAna.handle({ type: "history", rid: "h", with: "ben" });
  assertEquals(newAna.take().filter((m) => m.type === "file"), [], "as her history says");
});
