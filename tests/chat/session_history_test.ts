import { assert, assertEquals, assertRejects } from "@std/assert";
import { type ClientMessage, ProtocolError, type ServerMessage } from "../../src/protocol/mod.ts";
import { MemoryHistoryStore } from "../../src/store/mod.ts";
import {
  GatedHistoryStore,
  type HeldPage,
  NOW,
  PASSKEY,
  type Snapshot,
  startChat,
  type TestChat,
} from "./_chat.ts";
import type { FakePeer } from "./_fake_peer.ts";

/** A chat whose lobby already holds messages m1 … m10 (ids 1–10), replaying 3 on join. */
async function tenMessages() {
  const history = new MemoryHistoryStore();
  for (let i = 1; i <= 10; i++) {
    await history.append({ type: "message", room: "lobby", from: "old", text: `m${i}`, ts: NOW });
  }
  const chat = await startChat({ history, historyLimit: 3 });
  return { chat, alice: await chat.connect("alice") };
}

/**
 * The ids of replayed events and the history_end that follows them (a login's `unread_counts`,
 * which comes after, is left out).
 */
function summarize(all: ServerMessage[]) {
  const received = all.filter((message) => message.type !== "unread_counts");
  const ids = received.flatMap((message) => "id" in message ? [message.id] : []);
  const end = received.at(-1);
  assert(
    received.slice(0, -1).every((message) => "history" in message && message.history === true),
    "every replayed event carries history: true",
  );
  return { ids, end };
}

Deno.test("Session.handle() replays the newest historyLimit events on hello and says there are more", async () => {
  const { alice } = await tenMessages();
  const [_welcome, _joined, ...replay] = alice.take();
  assertEquals(summarize(replay), {
    ids: [8, 9, 10],
    end: { type: "history_end", room: "lobby", count: 3, before: 8, more: true, last_id: 10 },
  });
});

const PAGES: {
  request: Extract<ClientMessage, { type: "history" }>;
  ids: number[];
  end: object;
}[] = [
  {
    request: { type: "history", before: 8, rid: "h1" },
    ids: [5, 6, 7],
    end: { count: 3, before: 5, more: true, rid: "h1" },
  },
  {
    request: { type: "history", before: 4, limit: 3 },
    ids: [1, 2, 3],
    end: { count: 3, before: 1, more: false },
  },
  {
    request: { type: "history", before: 5, limit: 10 },
    ids: [1, 2, 3, 4],
    end: { count: 4, before: 1, more: false },
  },
  {
    request: { type: "history", before: 2, limit: 1 },
    ids: [1],
    end: { count: 1, before: 1, more: false },
  },
  {
    request: { type: "history", before: 1 },
    ids: [],
    end: { count: 0, before: null, more: false },
  },
  // Id 11 is alice's join notice: pages leave join and leave notices out.
  {
    request: { type: "history", before: 12 },
    ids: [8, 9, 10],
    end: { count: 3, before: 8, more: true },
  },
  {
    request: { type: "history", before: 12, limit: 9 },
    ids: [2, 3, 4, 5, 6, 7, 8, 9, 10],
    end: { count: 9, before: 2, more: true },
  },
  {
    request: { type: "history", before: 12, limit: 500 },
    ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    end: { count: 10, before: 1, more: false },
  },
];

Deno.test("Session.handle() answers history with the page below before, of limit events", async () => {
  const { alice } = await tenMessages();
  alice.take();
  for (const { request, ids, end } of PAGES) {
    await alice.handle(request);
    assertEquals(
      summarize(alice.take()),
      { ids, end: { type: "history_end", room: "lobby", ...end } },
      JSON.stringify(request),
    );
  }
});

Deno.test("Session.handle() walks back page by page on history without before", async () => {
  const { alice } = await tenMessages();
  alice.take();
  const walk: { limit?: number; ids: number[]; before: number | null; more: boolean }[] = [
    { ids: [5, 6, 7], before: 5, more: true },
    { ids: [2, 3, 4], before: 2, more: true },
    { limit: 5, ids: [1], before: 1, more: false },
    { ids: [], before: null, more: false },
  ];
  for (const { limit, ids, before, more } of walk) {
    await alice.handle({ type: "history", limit });
    assertEquals(summarize(alice.take()), {
      ids,
      end: { type: "history_end", room: "lobby", count: ids.length, before, more },
    });
  }
});

Deno.test("Session.handle() continues the walk from the oldest event sent, even after a newer page", async () => {
  const { alice } = await tenMessages();
  await alice.handle({ type: "history" });
  await alice.handle({ type: "history", before: 12 });
  alice.take();

  await alice.handle({ type: "history" });

  assertEquals(summarize(alice.take()).ids, [2, 3, 4]);
});

Deno.test("Session.handle() answers history without before with the newest page when none was sent", async () => {
  const chat = await startChat();
  const carol = await chat.connect("carol", "lab");
  const dave = await chat.connect("dave", "lab");
  await dave.handle({ type: "send", rid: "d1", text: "hi" });
  carol.take();

  await carol.handle({ type: "history", limit: 10 });

  // Ids 1 and 2 are carol's and dave's join notices, which pages leave out.
  assertEquals(summarize(carol.take()), {
    ids: [3],
    end: { type: "history_end", room: "lab", count: 1, before: 3, more: false, last_id: 3 },
  });
});

Deno.test("Session.handle() starts the history walk afresh in every room it enters", async () => {
  const { alice } = await tenMessages();
  await alice.handle({ type: "join", room: "lab" });
  await alice.handle({ type: "join", room: "lobby" });
  const replay = alice.take().filter((message) => message.type !== "joined");
  // Ids 11 to 15 are alice's joins and leaves, which pages leave out.
  assertEquals(summarize(replay.slice(-4)).ids, [8, 9, 10]);

  await alice.handle({ type: "history" });
  assertEquals(summarize(alice.take()).ids, [5, 6, 7]);
});

Deno.test("Session.handle() refuses a history limit outside 1 to 500 with bad_request", async () => {
  const { chat, alice } = await tenMessages();
  alice.take();
  for (const limit of [0, 501, -1, 2.5, 1_000_000]) {
    const error = await assertRejects(
      () => alice.handle({ type: "history", limit }),
      ProtocolError,
    );
    assertEquals(
      [error.code, error.fatal, error.message],
      ["bad_request", false, `History page size ${limit} is outside 1 to 500.`],
      String(limit),
    );
  }
  assertEquals(alice.take(), []);
  assertEquals(await chat.history.count(), 11);
});

Deno.test("Session.handle() replays only the room's own events", async () => {
  const { chat } = await tenMessages();
  const carol = await chat.connect("carol", "lab");
  const [_welcome, _joined, ...replay] = carol.take();
  assertEquals(replay.filter((message) => message.type !== "unread_counts"), [
    { type: "history_end", room: "lab", count: 0, before: null, more: false, last_id: 0 },
  ]);
});

/** How bob enters the lab: by saying hello, or by joining it from the lobby. */
const ENTRIES: { name: string; enter(chat: TestChat, hold: () => void): Promise<Entry> }[] = [
  {
    name: "hello",
    enter: (chat, hold) => {
      const { peer, session } = chat.open();
      hold();
      const done = session.handle({
        type: "hello",
        v: 1,
        nick: "bob",
        passkey: PASSKEY,
        room: "lab",
      });
      return Promise.resolve({ peer, done });
    },
  },
  {
    name: "join",
    enter: async (chat, hold) => {
      const bob = await chat.connect("bob");
      bob.take();
      hold();
      return { peer: bob.peer, done: bob.handle({ type: "join", room: "lab" }) };
    },
  },
];

/** The peer of a user entering a room, and the promise of its hello or join. */
interface Entry {
  peer: FakePeer;
  done: Promise<void>;
}

/** A short label of a received message: its type and, for events, its text. */
function label(message: ServerMessage): string {
  if (!("text" in message)) return message.type;
  return `${message.type}${"history" in message ? " (history)" : ""}: ${message.text}`;
}

const EXPECTED: Record<Snapshot, string[]> = {
  // The page was read before the events: they are held back, then sent after history_end.
  before: [
    "welcome",
    "joined",
    "history_end",
    "message: during one",
    "action: during two",
  ],
  // The page was read after the events: they are in it, and not sent again.
  after: [
    "welcome",
    "joined",
    "message (history): during one",
    "action (history): during two",
    "history_end",
  ],
};

for (const { name, enter } of ENTRIES) {
  for (const snapshot of ["before", "after"] as const) {
    Deno.test(`Session.handle() sends events published during a ${name}'s history read exactly once, after history_end (page read ${snapshot} them)`, async () => {
      const history = new GatedHistoryStore();
      const chat = await startChat({ history });
      const alice = await chat.connect("alice", "lab");
      const carol = await chat.connect("carol", "lab");
      chat.clear();
      let held: HeldPage | undefined;
      const { peer, done } = await enter(chat, () => held = history.holdNextPage(snapshot));
      await held!.paused;

      await alice.handle({ type: "send", rid: "a1", text: "during one" });
      await carol.handle({ type: "send", rid: "c1", text: "during two", action: true });
      const early = peer.types();
      held!.release();
      await done;

      // A join does not send welcome nor, after it all, unread_counts as a login does.
      const expected = name === "hello"
        ? [...EXPECTED[snapshot], "unread_counts"]
        : EXPECTED[snapshot].slice(1);
      assertEquals(early, expected.slice(0, expected.indexOf("joined") + 1));
      assertEquals(peer.take().map(label), expected);

      await alice.handle({ type: "send", rid: "a2", text: "after" });
      assertEquals(peer.take().map(label), ["message: after"]);
    });
  }
}

Deno.test("Session.handle() delivers a private message sent during a history read even when the page is newer", async () => {
  const history = new GatedHistoryStore();
  const chat = await startChat({ history });
  const alice = await chat.connect("alice");
  const held = history.holdNextPage("after");
  const { peer, session } = chat.open();
  const done = session.handle({ type: "hello", v: 1, nick: "bob", passkey: PASSKEY });
  await held.paused;

  await alice.handle({ type: "private", rid: "p1", to: "bob", text: "psst" });
  await alice.handle({ type: "send", rid: "s1", text: "hello room" });
  held.release();
  await done;

  assertEquals(peer.take().map(label), [
    "welcome",
    "joined",
    "message (history): hello room",
    "history_end",
    "private: psst",
    "unread_counts",
  ]);
});
