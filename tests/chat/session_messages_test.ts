import { assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { type ClientMessage, ProtocolError } from "../../src/protocol/mod.ts";
import { NOW, startChat, TS } from "./_chat.ts";

/** alice, bob and carol in the lobby, dave in the lab, with nothing received yet. */
async function fourUsers(options: { maxMessageBytes?: number } = {}) {
  const chat = await startChat(options);
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  const carol = await chat.connect("carol");
  const dave = await chat.connect("dave", "lab");
  chat.clear();
  return { chat, alice, bob, carol, dave };
}

const ROOM_EVENTS: { name: string; request: ClientMessage; type: string }[] = [
  { name: "a send", request: { type: "send", rid: "r1", text: "hello 👋" }, type: "message" },
  {
    name: "a send with action: false",
    request: { type: "send", rid: "r1", text: "hello 👋", action: false },
    type: "message",
  },
  {
    name: "a /me send",
    request: { type: "send", rid: "r1", text: "hello 👋", action: true },
    type: "action",
  },
];

for (const { name, request, type } of ROOM_EVENTS) {
  Deno.test(`Session.handle() acks ${name} to its author and delivers a ${type} to the room once`, async () => {
    const { chat, alice, bob, carol, dave } = await fourUsers();

    await alice.handle(request);

    const event = { type, id: 5, ts: TS, room: "lobby", from: "alice", text: "hello 👋" };
    assertEquals(alice.take(), [{ type: "ack", rid: "r1", id: 5, ts: TS, event }]);
    assertStrictEquals(bob.peer.outbound[0], carol.peer.outbound[0]);
    assertEquals(bob.take(), [event]);
    assertEquals(carol.take(), [event]);
    assertEquals(dave.take(), []);
    const [stored] = await chat.history.page("lobby", { limit: 1 });
    const { clientId: _, ...storedFields } = stored;
    assertEquals(storedFields, { ...event, ts: NOW });
  });
}

Deno.test("Session.handle() delivers a private message to its recipient only", async () => {
  const { chat, alice, bob, carol, dave } = await fourUsers();
  const before = await chat.history.count();

  await alice.handle({ type: "private", rid: "p1", to: "BOB", text: "psst" });

  const event = {
    type: "private",
    id: 5,
    ts: TS,
    room: "lobby",
    from: "alice",
    to: "bob",
    text: "psst",
  };
  assertEquals(alice.take(), [{ type: "ack", rid: "p1", id: 5, ts: TS, event }]);
  assertEquals(bob.take(), [event]);
  assertEquals(carol.take(), []);
  assertEquals(dave.take(), []);
  assertEquals(await chat.history.count(), before + 1);
});

Deno.test("Session.handle() reaches a recipient in another room with a private message", async () => {
  const { alice, dave } = await fourUsers();
  await dave.handle({ type: "private", rid: "p1", to: "alice", text: "over here" });
  const event = {
    type: "private",
    id: 5,
    ts: TS,
    room: "lab",
    from: "dave",
    to: "alice",
    text: "over here",
  };
  assertEquals(alice.take(), [event]);
  assertEquals(dave.take(), [{ type: "ack", rid: "p1", id: 5, ts: TS, event }]);
});

Deno.test("Session.handle() acks a private message to oneself without delivering it twice", async () => {
  const { alice, bob } = await fourUsers();
  await alice.handle({ type: "private", rid: "p1", to: "alice", text: "note to self" });
  const event = {
    type: "private",
    id: 5,
    ts: TS,
    room: "lobby",
    from: "alice",
    to: "alice",
    text: "note to self",
  };
  assertEquals(alice.take(), [{ type: "ack", rid: "p1", id: 5, ts: TS, event }]);
  assertEquals(bob.take(), []);
});

Deno.test("Session.handle() answers a private message to an absent nick with no_such_user", async () => {
  const { chat, alice, bob } = await fourUsers();
  const error = await assertRejects(
    () => alice.handle({ type: "private", rid: "p1", to: "zed", text: "hello?" }),
    ProtocolError,
  );
  assertEquals([error.code, error.fatal, error.message], [
    "no_such_user",
    false,
    "Nobody called zed has ever been here.",
  ]);
  assertEquals(alice.take(), []);
  assertEquals(bob.take(), []);
  assertEquals(await chat.history.count(), 4);
});

Deno.test("Session.handle() never replays a private message as room history", async () => {
  const { chat, alice, carol } = await fourUsers();
  await alice.handle({ type: "private", rid: "p1", to: "bob", text: "psst" });
  await alice.handle({ type: "send", rid: "s1", text: "hello all" });
  chat.clear();

  const eve = await chat.connect("eve");
  await carol.handle({ type: "history", before: Number.MAX_SAFE_INTEGER, rid: "h1" });

  for (const received of [eve.take(), carol.take()]) {
    const texts = received.flatMap((message) => "text" in message ? [message.text] : []);
    assertEquals(texts.includes("psst"), false);
    assertEquals(texts.includes("hello all"), true);
    assertEquals(received.some((message) => message.type === "private"), false);
  }
});

const BLANK_TEXTS = ["", " ", "   ", "\t\n", "\r\n", "\u00a0", "\u3000"];

Deno.test("Session.handle() refuses empty or white-space text with empty_message", async () => {
  const { chat, alice, bob } = await fourUsers();
  const before = await chat.history.count();
  for (const text of BLANK_TEXTS) {
    const requests: ClientMessage[] = [
      { type: "send", rid: "r1", text },
      { type: "send", rid: "r2", text, action: true },
      { type: "private", rid: "r3", to: "bob", text },
    ];
    for (const request of requests) {
      const error = await assertRejects(() => alice.handle(request), ProtocolError);
      assertEquals(
        [error.code, error.fatal, error.message],
        ["empty_message", false, "Empty messages are not sent."],
        `${request.type} ${JSON.stringify(text)}`,
      );
    }
  }
  assertEquals(alice.take(), []);
  assertEquals(bob.take(), []);
  assertEquals(await chat.history.count(), before);
});

const SIZE_CASES: { name: string; limit: number; text: string; bytes?: number }[] = [
  { name: "4096 ASCII bytes", limit: 4096, text: "a".repeat(4096) },
  { name: "4097 ASCII bytes", limit: 4096, text: "a".repeat(4097), bytes: 4097 },
  { name: "1024 four-byte emoji", limit: 4096, text: "😀".repeat(1024) },
  { name: "1024 emoji and a letter", limit: 4096, text: "😀".repeat(1024) + "a", bytes: 4097 },
  { name: "2048 two-byte letters", limit: 4096, text: "é".repeat(2048) },
  { name: "2049 two-byte letters", limit: 4096, text: "é".repeat(2049), bytes: 4098 },
  { name: "1365 euro signs and a letter", limit: 4096, text: "€".repeat(1365) + "a" },
  { name: "1366 euro signs", limit: 4096, text: "€".repeat(1366), bytes: 4098 },
  { name: "4 emoji under a 16-byte limit", limit: 16, text: "😀".repeat(4) },
  { name: "5 emoji under a 16-byte limit", limit: 16, text: "😀".repeat(5), bytes: 20 },
  { name: "6 letters under a 5-byte limit", limit: 5, text: "abcdef", bytes: 6 },
];

for (const { name, limit, text, bytes } of SIZE_CASES) {
  const verdict = bytes === undefined ? "accepts" : "refuses with message_too_large";
  Deno.test(`Session.handle() ${verdict} a text of ${name}`, async () => {
    const { chat, alice, bob } = await fourUsers({ maxMessageBytes: limit });
    const requests: { request: ClientMessage; delivered: string }[] = [
      { request: { type: "send", rid: "r1", text }, delivered: "message" },
      { request: { type: "private", rid: "r2", to: "bob", text }, delivered: "private" },
    ];
    for (const { request, delivered } of requests) {
      if (bytes === undefined) {
        await alice.handle(request);
        const [received] = bob.take();
        const intact = "text" in received && received.text === text;
        assertEquals([received.type, intact], [delivered, true], request.type);
      } else {
        const error = await assertRejects(() => alice.handle(request), ProtocolError);
        assertEquals(
          [error.code, error.fatal, error.message],
          [
            "message_too_large",
            false,
            `The message is ${bytes} bytes; the limit is ${limit} bytes.`,
          ],
          request.type,
        );
        assertEquals(bob.take(), [], request.type);
      }
    }
    assertEquals(await chat.history.count(), bytes === undefined ? 6 : 4);
  });
}

type TextRequest = Extract<ClientMessage, { type: "send" | "private" }>;

Deno.test("Session.handle() acks a resent rid with the same id and delivers it once", async () => {
  const { chat, alice, bob } = await fourUsers();
  const requests: TextRequest[] = [
    { type: "send", rid: "r1", text: "once" },
    { type: "private", rid: "p1", to: "bob", text: "once, privately" },
  ];
  for (const request of requests) {
    await alice.handle(request);
    const [ack] = alice.take();
    const delivered = bob.take();
    const count = await chat.history.count();

    await alice.handle(request);
    const reused = await assertRejects(
      () => alice.handle({ ...request, text: "a changed retry" }),
      ProtocolError,
    );

    assertEquals([reused.code, reused.fatal], ["rid_reused", false], request.type);
    assertEquals(alice.take(), [ack], request.type);
    assertEquals(delivered.length, 1, request.type);
    assertEquals(bob.take(), [], request.type);
    assertEquals(await chat.history.count(), count, request.type);
  }
  const texts = (await chat.history.page("lobby", { limit: 10 })).map((event) => event.text);
  assertEquals(texts.filter((text) => text === "once"), ["once"]);
});

Deno.test("Session.handle() treats the same rid from different users as different messages", async () => {
  const { chat, alice, bob, carol } = await fourUsers();

  await alice.handle({ type: "send", rid: "a1", text: "from alice" });
  await bob.handle({ type: "send", rid: "a1", text: "from bob" });
  await carol.handle({ type: "private", rid: "a1", to: "alice", text: "psst from carol" });

  const message = { type: "message", ts: TS, room: "lobby" };
  const fromAlice = { ...message, id: 5, from: "alice", text: "from alice" };
  const fromBob = { ...message, id: 6, from: "bob", text: "from bob" };
  assertEquals(alice.take(), [
    { type: "ack", rid: "a1", id: 5, ts: TS, event: fromAlice },
    fromBob,
    {
      type: "private",
      id: 7,
      ts: TS,
      room: "lobby",
      from: "carol",
      to: "alice",
      text: "psst from carol",
    },
  ]);
  assertEquals(bob.take(), [fromAlice, { type: "ack", rid: "a1", id: 6, ts: TS, event: fromBob }]);
  assertEquals(carol.take(), [
    fromAlice,
    fromBob,
    {
      type: "ack",
      rid: "a1",
      id: 7,
      ts: TS,
      event: {
        type: "private",
        id: 7,
        ts: TS,
        room: "lobby",
        from: "carol",
        to: "alice",
        text: "psst from carol",
      },
    },
  ]);
  assertEquals(await chat.history.count(), 7);
});
