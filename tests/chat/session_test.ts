import { assert, assertEquals, assertMatch, assertRejects } from "@std/assert";
import { type ClientMessage, ProtocolError } from "../../src/protocol/mod.ts";
import { NOW, PASSKEY, SERVER, startChat, TS } from "./_chat.ts";

type Hello = Extract<ClientMessage, { type: "hello" }>;

function hello(fields: Partial<Hello> = {}): Hello {
  return { type: "hello", v: 1, nick: "bob", passkey: PASSKEY, ...fields };
}

const HELLO_FAILURES: { name: string; hello: Hello; code: string; message: string }[] = [
  {
    name: "a wrong passkey",
    hello: hello({ passkey: "Secret" }),
    code: "bad_passkey",
    message: "The passkey is wrong; ask the person running the server for the current one.",
  },
  {
    name: "an empty passkey",
    hello: hello({ passkey: "" }),
    code: "bad_passkey",
    message: "The passkey is wrong; ask the person running the server for the current one.",
  },
  {
    name: "protocol version 2",
    hello: hello({ v: 2 }),
    code: "version_mismatch",
    message: "This server speaks protocol version 1, not 2; use a matching chat client.",
  },
  {
    name: "protocol version 0",
    hello: hello({ v: 0 }),
    code: "version_mismatch",
    message: "This server speaks protocol version 1, not 0; use a matching chat client.",
  },
  {
    name: "a nick with a space",
    hello: hello({ nick: "bad nick" }),
    code: "nick_invalid",
    message: 'Nick "bad nick" may only contain letters, digits, "_", "-" and "." ' +
      'and must start with a letter, digit or "_".',
  },
  {
    name: "an empty nick",
    hello: hello({ nick: "" }),
    code: "nick_invalid",
    message: "Nick must not be empty.",
  },
  {
    name: "a nick with an escape sequence",
    hello: hello({ nick: "bob\x1b[2J" }),
    code: "nick_invalid",
    message: 'Nick "bob\\u001b[2J" may only contain letters, digits, "_", "-" and "." ' +
      'and must start with a letter, digit or "_".',
  },
  {
    name: "a nick someone owns",
    hello: hello({ nick: "alice" }),
    code: "nick_owned",
    message: "The nick alice belongs to someone else; choose another.",
  },
  {
    name: "a nick someone owns in another case",
    hello: hello({ nick: "ALICE" }),
    code: "nick_owned",
    message: "The nick ALICE belongs to someone else; choose another.",
  },
  {
    name: "an invalid room",
    hello: hello({ room: "my room" }),
    code: "room_invalid",
    message: 'Room name "my room" may only contain letters, digits, "_", "-" and "." ' +
      'and must start with a letter, digit or "_".',
  },
];

for (const failure of HELLO_FAILURES) {
  Deno.test(`Session.handle() refuses a hello with ${failure.name} with a fatal ${failure.code}`, async () => {
    const chat = await startChat();
    const alice = await chat.connect("alice");
    alice.take();
    const before = await chat.history.count();
    const { peer, session } = chat.open();

    const error = await assertRejects(() => session.handle(failure.hello), ProtocolError);

    assertEquals(
      { code: error.code, fatal: error.fatal, message: error.message },
      { code: failure.code, fatal: true, message: failure.message },
    );
    assertEquals(session.authenticated, false);
    assertEquals(peer.take(), []);
    assertEquals(alice.take(), []);
    assertEquals(await chat.hub.online(), 1);
    assertEquals(await chat.hub.usersIn("lobby"), ["alice"]);
    assertEquals(await chat.history.count(), before);
  });
}

Deno.test("Session.handle() refuses a hello with a nick its owner uses on another device with a fatal nick_taken", async () => {
  const chat = await startChat();
  await chat.connect("alice");
  const { session } = chat.open();
  const device = chat.deviceOf("alice")!;
  const error = await assertRejects(
    () => session.handle({ type: "hello", v: 1, nick: "ALICE", device }),
    ProtocolError,
  );
  assertEquals(
    { code: error.code, fatal: error.fatal, message: error.message },
    {
      code: "nick_taken",
      fatal: true,
      message: "The nick ALICE is already taken; choose another.",
    },
  );
});

const NOT_HELLO: ClientMessage[] = [
  { type: "send", rid: "r1", text: "hi" },
  { type: "private", rid: "r1", to: "alice", text: "hi" },
  { type: "join", room: "lab" },
  { type: "nick", nick: "carol" },
  { type: "who" },
  { type: "rooms" },
  { type: "info" },
  { type: "history", limit: 5 },
  { type: "ping", rid: "p1" },
  { type: "pong" },
  { type: "quit" },
];

Deno.test("Session.handle() answers anything but hello first with a fatal not_authenticated", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  alice.take();
  for (const message of NOT_HELLO) {
    const { peer, session } = chat.open();
    const error = await assertRejects(() => session.handle(message), ProtocolError);
    assertEquals([error.code, error.fatal], ["not_authenticated", true], message.type);
    assertEquals(session.authenticated, false, message.type);
    assertEquals(peer.take(), [], message.type);
  }
  assertEquals(alice.take(), []);
  assertEquals(await chat.history.count(), 1);
});

Deno.test("Session.handle() answers a hello with welcome, joined, the room's history and history_end", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  await alice.handle({ type: "send", rid: "r1", text: "first" });
  await alice.handle({ type: "send", rid: "r2", text: "waves", action: true });
  alice.take();

  const bob = await chat.connect("bob");

  const received = bob.take();
  const welcome = received[0] as { resume?: unknown };
  assertMatch(String(welcome.resume), /^[0-9a-f]{36}$/, "a resume token comes with welcome");
  delete welcome.resume;
  assertEquals((welcome as { rate?: unknown }).rate, { per_second: 50, burst: 200 });
  delete (welcome as { rate?: unknown }).rate;
  const device = String((welcome as { device?: unknown }).device);
  assertMatch(device, /^[0-9a-f]{16}\.[0-9a-z]{52}$/, "a first login makes a device");
  delete (welcome as { device?: unknown }).device;
  assertEquals(received, [
    {
      type: "welcome",
      v: 1,
      server: SERVER,
      nick: "bob",
      max_message_bytes: 4096,
      max_frame_bytes: 1_048_576,
      history: 50,
    },
    { type: "joined", room: "lobby", users: ["alice", "bob"], count: 2 },
    // alice's join notice (id 1) is not part of the page: pages hold what people said.
    { type: "message", id: 2, ts: TS, room: "lobby", from: "alice", text: "first", history: true },
    { type: "action", id: 3, ts: TS, room: "lobby", from: "alice", text: "waves", history: true },
    { type: "history_end", room: "lobby", count: 2, before: 2, more: false, last_id: 3 },
    // A first visit starts read up to what the page showed.
    {
      type: "unread_counts",
      places: [{ room: "lobby", unread: 0, mentions: 0, last_id: 3, read_id: 3 }],
    },
  ]);
  assertEquals([bob.session.authenticated, bob.session.nick, bob.session.room], [
    true,
    "bob",
    "lobby",
  ]);
  assertEquals(alice.take(), [
    {
      type: "notice",
      id: 4,
      ts: TS,
      room: "lobby",
      from: "bob",
      event: "join",
      text: "bob joined lobby",
    },
  ]);
});

Deno.test("Session.handle() puts a hello into the room it names, lowercased and without #", async () => {
  const chat = await startChat();
  const cases = [
    { nick: "a", room: undefined, joined: "lobby" },
    { nick: "b", room: "#Lab", joined: "lab" },
    { nick: "c", room: "LAB", joined: "lab" },
    { nick: "d", room: "Zoë", joined: "zoë" },
  ];
  for (const { nick, room, joined } of cases) {
    const user = await chat.connect(nick, room);
    assertEquals(user.session.room, joined, room);
    assertEquals(user.take()[1], {
      type: "joined",
      room: joined,
      users: await chat.hub.usersIn(joined),
      count: await chat.hub.countIn(joined),
    }, room);
  }
  assertEquals(await chat.hub.usersIn("lab"), ["b", "c"]);
});

Deno.test("Session.handle() refuses a second hello with a non-fatal bad_request", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const error = await assertRejects(() => alice.handle(hello({ nick: "ada" })), ProtocolError);
  assertEquals([error.code, error.fatal], ["bad_request", false]);
  assertEquals(alice.session.nick, "alice");
});

Deno.test("Session.handle() answers who, rooms, info and ping with their replies", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  await chat.connect("bob");
  await chat.connect("carol", "lab");
  chat.clear();
  const cases: { request: ClientMessage; replies: unknown[] }[] = [
    {
      request: { type: "who", rid: "w1" },
      replies: [{ type: "users", room: "lobby", users: ["alice", "bob"], rid: "w1" }],
    },
    {
      request: { type: "who" },
      replies: [{ type: "users", room: "lobby", users: ["alice", "bob"] }],
    },
    {
      request: { type: "rooms", rid: "r1" },
      replies: [{
        type: "room_list",
        rooms: [{ name: "lab", users: 1 }, { name: "lobby", users: 2 }],
        rid: "r1",
      }],
    },
    {
      request: { type: "info", rid: "i1" },
      replies: [{
        type: "server_info",
        room: "lobby",
        users: ["alice", "bob"],
        online: 3,
        uptime_s: 0,
        messages: 3,
        server: SERVER,
        rid: "i1",
      }],
    },
    { request: { type: "ping", rid: "p1" }, replies: [{ type: "pong", rid: "p1" }] },
    { request: { type: "ping" }, replies: [{ type: "pong" }] },
    { request: { type: "pong", rid: "p2" }, replies: [] },
  ];
  for (const { request, replies } of cases) {
    await alice.handle(request);
    assertEquals(alice.take(), replies, JSON.stringify(request));
  }
  assertEquals(alice.peer.closed, false);
});

Deno.test("Session.handle() lists the lobby among the rooms even when it is empty", async () => {
  const chat = await startChat();
  const carol = await chat.connect("carol", "lab");
  carol.take();
  await carol.handle({ type: "rooms" });
  assertEquals(carol.take(), [{
    type: "room_list",
    rooms: [{ name: "lab", users: 1 }, { name: "lobby", users: 0 }],
  }]);
});

Deno.test("Session.handle() reports uptime in whole seconds since the hub started", async () => {
  let now = NOW;
  const chat = await startChat({ now: () => now });
  const alice = await chat.connect("alice");
  alice.take();
  const cases = [{ elapsed: 0, uptime: 0 }, { elapsed: 999, uptime: 0 }, {
    elapsed: 90_500,
    uptime: 90,
  }];
  for (const { elapsed, uptime } of cases) {
    now = NOW + elapsed;
    await alice.handle({ type: "info" });
    const [reply] = alice.take();
    assertEquals(reply.type === "server_info" && reply.uptime_s, uptime, `${elapsed} ms`);
  }
});

Deno.test("Session.handle() answers quit with bye and closes the peer", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  alice.take();
  await alice.handle({ type: "quit" });
  assertEquals(alice.take(), [{ type: "bye", reason: "quit", message: "Goodbye." }]);
  assertEquals(alice.peer.closed, true);
});

Deno.test("Session.handle() renames on nick, tells the room and stores the notice", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  const carol = await chat.connect("carol", "lab");
  chat.clear();

  await alice.handle({ type: "nick", nick: "ada", rid: "n1" });

  const notice = {
    type: "notice",
    id: 4,
    ts: TS,
    room: "lobby",
    from: "alice",
    nick: "ada",
    event: "nick",
    text: "alice is now known as ada",
  };
  assertEquals(alice.take(), [{ type: "nick_ok", nick: "ada", rid: "n1" }]);
  assertEquals(bob.take(), [notice]);
  assertEquals(carol.take(), []);
  assertEquals(alice.session.nick, "ada");
  assertEquals(await chat.hub.usersIn("lobby"), ["ada", "bob"]);
  const [stored] = await chat.history.page("lobby", { limit: 1 });
  assertEquals(stored, { ...notice, ts: NOW });

  const taken = chat.open();
  await assertRejects(() => taken.session.handle(hello({ nick: "ADA" })), ProtocolError);
  const freed = await chat.connect("alice");
  assertEquals(freed.session.authenticated, true);
});

Deno.test("Session.handle() keeps the nick when a new one is taken or invalid", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  chat.clear();
  const cases = [
    { nick: "bob", code: "nick_owned" },
    { nick: "BOB", code: "nick_owned" },
    { nick: "a b", code: "nick_invalid" },
    { nick: "", code: "nick_invalid" },
    { nick: "-alice", code: "nick_invalid" },
  ];
  for (const { nick, code } of cases) {
    const error = await assertRejects(() => alice.handle({ type: "nick", nick }), ProtocolError);
    assertEquals([error.code, error.fatal], [code, false], nick);
    assertEquals(alice.session.nick, "alice", nick);
  }
  assertEquals(alice.take(), []);
  assertEquals(bob.take(), []);
  assertEquals(chat.hub.findNick("ALICE"), alice.session);
});

Deno.test("Session.handle() lets a user change only the case of their nick", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  alice.take();
  await alice.handle({ type: "nick", nick: "Alice" });
  assertEquals(alice.take(), [{ type: "nick_ok", nick: "Alice" }]);
  assertEquals(chat.hub.findNick("alice"), alice.session);
});

Deno.test("Session.handle() moves a user to another room on join", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  const carol = await chat.connect("carol", "lab");
  chat.clear();

  await alice.handle({ type: "join", room: "#Lab", rid: "j1" });

  assertEquals(alice.take(), [
    { type: "joined", room: "lab", users: ["alice", "carol"], count: 2, rid: "j1" },
    {
      type: "history_end",
      room: "lab",
      count: 0,
      before: null,
      more: false,
      rid: "j1",
      last_id: 3,
    },
  ]);
  assertEquals(bob.take(), [
    {
      type: "notice",
      id: 4,
      ts: TS,
      room: "lobby",
      from: "alice",
      event: "leave",
      text: "alice left lobby",
    },
  ]);
  assertEquals(carol.take(), [
    {
      type: "notice",
      id: 5,
      ts: TS,
      room: "lab",
      from: "alice",
      event: "join",
      text: "alice joined lab",
    },
  ]);
  assertEquals(alice.session.room, "lab");
  assertEquals(await chat.hub.usersIn("lobby"), ["bob"]);
  assertEquals(await chat.hub.usersIn("lab"), ["alice", "carol"]);

  await bob.handle({ type: "send", rid: "b1", text: "still here?" });
  await alice.handle({ type: "send", rid: "a1", text: "in the lab" });
  // alice follows the lobby she left: bob's message reaches her as activity, without its text.
  const [activity, ack] = alice.take();
  assertEquals(activity, { type: "activity", room: "lobby", id: 6, from: "bob" });
  assertEquals(ack.type, "ack");
  assertEquals(bob.take().map((message) => message.type), ["ack"]);
  assertEquals(carol.take().map((message) => message.type), ["message"]);
});

Deno.test("Session.handle() answers a join of the current room with joined only", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  chat.clear();
  await alice.handle({ type: "join", room: "LOBBY", rid: "j1" });
  assertEquals(alice.take(), [{
    type: "joined",
    room: "lobby",
    users: ["alice", "bob"],
    count: 2,
    rid: "j1",
  }]);
  assertEquals(bob.take(), []);
});

Deno.test("Session.handle() keeps the room when a join names an invalid one", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  alice.take();
  for (const room of ["", "#", "my room", "a/b", "x".repeat(33)]) {
    const error = await assertRejects(() => alice.handle({ type: "join", room }), ProtocolError);
    assertEquals([error.code, error.fatal], ["room_invalid", false], room);
    assertEquals(alice.session.room, "lobby", room);
  }
  assertEquals(alice.take(), []);
});

Deno.test("Session.disconnect() tells the room, stores the leave notice and frees the nick", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  chat.clear();

  await bob.session.disconnect();

  const leave = {
    type: "notice",
    id: 3,
    ts: TS,
    room: "lobby",
    from: "bob",
    event: "leave",
    text: "bob left lobby",
  };
  assertEquals(alice.take(), [leave]);
  assertEquals(bob.take(), []);
  assertEquals(await chat.hub.online(), 1);
  assertEquals(await chat.hub.usersIn("lobby"), ["alice"]);
  assertEquals((await chat.history.page("lobby", { limit: 1 }))[0], { ...leave, ts: NOW });

  await bob.session.disconnect();
  assertEquals(alice.take(), []);

  const again = await chat.connect("Bob");
  assertEquals(again.session.authenticated, true);
  assertEquals(await chat.hub.usersIn("lobby"), ["Bob", "alice"]);
});

Deno.test("Session.disconnect() of a refused session frees nobody's nick and tells nobody", async () => {
  const chat = await startChat();
  const alice = await chat.connect("alice");
  alice.take();
  const { session } = chat.open();
  await assertRejects(() => session.handle(hello({ nick: "alice" })), ProtocolError);

  await session.disconnect();

  assertEquals(alice.take(), []);
  assertEquals(chat.hub.findNick("alice"), alice.session);
  const other = chat.open();
  const error = await assertRejects(
    () => other.session.handle(hello({ nick: "alice" })),
    ProtocolError,
  );
  assertEquals(error.code, "nick_owned");
  assert(alice.session.authenticated);
});

Deno.test("Session: a big room announces no joins or leaves and names only its first members", async () => {
  const chat = await startChat({ bigRoom: 3 });
  const [ada, bob, cy] = [
    await chat.connect("ada"),
    await chat.connect("bob"),
    await chat.connect("cy"),
  ];
  assertEquals(await chat.hub.isBig("lobby"), false);
  chat.clear();
  const dee = await chat.connect("dee");
  assertEquals(await chat.hub.isBig("lobby"), true);
  // Joining makes the room big: nobody is told, and dee gets three names and the count.
  assertEquals(ada.take(), []);
  assertEquals(dee.take()[1], {
    type: "joined",
    room: "lobby",
    users: ["ada", "bob", "cy"],
    count: 4,
  });
  await dee.handle({ type: "who", rid: "w" });
  assertEquals(dee.take(), [{
    type: "users",
    room: "lobby",
    users: ["ada", "bob", "cy", "dee"],
    rid: "w",
  }]);
  // Leaving a big room: not announced, and no notice is stored.
  const stored = await chat.history.count();
  await dee.handle({ type: "join", room: "lab", rid: "j" });
  assertEquals([ada.take(), bob.take(), cy.take()], [[], [], []]);
  assertEquals(await chat.history.count(), stored + 1, "only dee's join of lab is stored");
  // Back to three members: the room is small again and announces leaves.
  await cy.handle({ type: "join", room: "lab", rid: "j2" });
  assertEquals(bob.take().map((message) => message.type === "notice" && message.text), [
    "cy left lobby",
  ]);
});
