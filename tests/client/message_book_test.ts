import { assertEquals } from "@std/assert";
import { MessageBook, reactionList } from "../../src/client/message_book.ts";
import { quoteOf } from "../../src/protocol/quote.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";

const TS = "2026-11-21T09:40:00.000Z";

function message(id: number, from: string, text: string, extra: Record<string, unknown> = {}) {
  return { type: "message", id, ts: TS, room: "lobby", from, text, ...extra } as ServerMessage;
}
function edit(id: number, ref: number, from: string, text: string) {
  return { type: "edit", id, ts: TS, room: "lobby", from, text, ref } as ServerMessage;
}
function del(id: number, ref: number, from: string) {
  return { type: "delete", id, ts: TS, room: "lobby", from, text: "", ref } as ServerMessage;
}
function react(id: number, ref: number, from: string, emoji: string, remove?: true) {
  return {
    type: "reaction",
    id,
    ts: TS,
    room: "lobby",
    from,
    text: "",
    ref,
    emoji,
    ...(remove ? { remove } : {}),
  } as ServerMessage;
}

/** The state of message `id` that a client shows. */
function state(book: MessageBook, id: number) {
  const entry = book.get(id);
  if (entry === undefined) return undefined;
  return {
    text: entry.text,
    edited: entry.edited,
    deleted: entry.deleted,
    reactions: reactionList(entry),
    quote: entry.quote,
  };
}

const APPLY_CASES: {
  name: string;
  events: ServerMessage[];
  id: number;
  expected: ReturnType<typeof state>;
}[] = [
  {
    name: "remembers a message as it reads",
    events: [message(1, "ana", "hello")],
    id: 1,
    expected: { text: "hello", edited: false, deleted: false, reactions: [], quote: undefined },
  },
  {
    name: "takes a page's message with its changes so far",
    events: [
      message(1, "ana", "hi", {
        history: true,
        edited: true,
        reactions: [{ emoji: "👍", nicks: ["ben", "cy"] }],
      }),
    ],
    id: 1,
    expected: {
      text: "hi",
      edited: true,
      deleted: false,
      reactions: [{ emoji: "👍", nicks: ["ben", "cy"] }],
      quote: undefined,
    },
  },
  {
    name: "sets the text of an edit",
    events: [message(1, "ana", "helo"), edit(2, 1, "ana", "hello")],
    id: 1,
    expected: { text: "hello", edited: true, deleted: false, reactions: [], quote: undefined },
  },
  {
    name: "empties a deleted message and drops its reactions",
    events: [message(1, "ana", "oops"), react(2, 1, "ben", "👍"), del(3, 1, "ana")],
    id: 1,
    expected: { text: "", edited: false, deleted: true, reactions: [], quote: undefined },
  },
  {
    name: "ignores an edit and a reaction after a delete",
    events: [
      message(1, "ana", "oops"),
      del(2, 1, "ana"),
      edit(3, 1, "ana", "x"),
      react(
        4,
        1,
        "ben",
        "👍",
      ),
    ],
    id: 1,
    expected: { text: "", edited: false, deleted: true, reactions: [], quote: undefined },
  },
  {
    name: "keeps emoji in the order first given, nicks in the order they reacted",
    events: [
      message(1, "ana", "party"),
      react(2, 1, "ben", "🎉"),
      react(3, 1, "cy", "👍"),
      react(4, 1, "ana", "🎉"),
    ],
    id: 1,
    expected: {
      text: "party",
      edited: false,
      deleted: false,
      reactions: [{ emoji: "🎉", nicks: ["ben", "ana"] }, { emoji: "👍", nicks: ["cy"] }],
      quote: undefined,
    },
  },
  {
    name: "counts a nick once per emoji, whatever its case",
    events: [message(1, "ana", "x"), react(2, 1, "Ben", "👍"), react(3, 1, "BEN", "👍")],
    id: 1,
    expected: {
      text: "x",
      edited: false,
      deleted: false,
      reactions: [{ emoji: "👍", nicks: ["Ben"] }],
      quote: undefined,
    },
  },
  {
    name: "removes a reaction, by a nick in another case, and the emoji with its last nick",
    events: [
      message(1, "ana", "x"),
      react(2, 1, "ben", "👍"),
      react(3, 1, "cy", "🎉"),
      react(4, 1, "BEN", "👍", true),
    ],
    id: 1,
    expected: {
      text: "x",
      edited: false,
      deleted: false,
      reactions: [{ emoji: "🎉", nicks: ["cy"] }],
      quote: undefined,
    },
  },
  {
    name: "ignores the removal of a reaction nobody gave",
    events: [message(1, "ana", "x"), react(2, 1, "ben", "👍", true)],
    id: 1,
    expected: { text: "x", edited: false, deleted: false, reactions: [], quote: undefined },
  },
  {
    name: "updates the quote of a reply when its original is edited",
    events: [
      message(1, "ana", "lunch at 12?"),
      message(2, "ben", "yes", { reply_to: 1, quote: { from: "ana", text: "lunch at 12?" } }),
      edit(3, 1, "ana", "lunch at 1?"),
    ],
    id: 2,
    expected: {
      text: "yes",
      edited: false,
      deleted: false,
      reactions: [],
      quote: { from: "ana", text: "lunch at 1?" },
    },
  },
  {
    name: "marks the quote of a reply deleted when its original is",
    events: [
      message(1, "ana", "lunch at 12?"),
      message(2, "ben", "yes", { reply_to: 1, quote: { from: "ana", text: "lunch at 12?" } }),
      del(3, 1, "ana"),
    ],
    id: 2,
    expected: {
      text: "yes",
      edited: false,
      deleted: false,
      reactions: [],
      quote: { from: "ana", text: "", deleted: true },
    },
  },
];

for (const { name, events, id, expected } of APPLY_CASES) {
  Deno.test(`MessageBook.apply() ${name}`, () => {
    const book = new MessageBook();
    for (const event of events) book.apply(event);
    assertEquals(state(book, id), expected);
  });
}

Deno.test("MessageBook.apply() gives the same state when a catch-up applies everything again", () => {
  for (const { name, events, id } of APPLY_CASES) {
    const once = new MessageBook();
    for (const event of events) once.apply(event);
    // A catch-up: the message as it reads now (a page), then the change events since, again.
    const twice = new MessageBook();
    for (const event of events) twice.apply(event);
    const now = twice.get(id)!;
    twice.apply(
      message(id, now.from, now.text, {
        history: true,
        edited: now.edited || undefined,
        deleted: now.deleted || undefined,
        reactions: now.reactions.size > 0 ? reactionList(now) : undefined,
        reply_to: now.replyTo,
        quote: now.quote,
      }),
    );
    for (const event of events) {
      if (event.type !== "message") twice.apply(event);
    }
    assertEquals(state(twice, id), state(once, id), name);
  }
});

const CHANGE_CASES: { name: string; event: ServerMessage }[] = [
  { name: "an edit of an unknown message", event: edit(9, 5, "ana", "x") },
  { name: "a delete of an unknown message", event: del(9, 5, "ana") },
  {
    name: "a reaction to an unknown message",
    event: react(9, 5, "ana", "👍"),
  },
];

for (const { name, event } of CHANGE_CASES) {
  Deno.test(`MessageBook.apply() ignores ${name}, saying it is unknown`, () => {
    const book = new MessageBook();
    book.apply(message(1, "ana", "hello"));
    assertEquals(book.apply(event), { kind: "unknown", ref: 5 });
    assertEquals(state(book, 1)?.text, "hello");
    assertEquals(book.get(5), undefined);
  });
}

Deno.test("MessageBook.apply() says what each event did, and ignores what is no message", () => {
  const book = new MessageBook();
  assertEquals(book.apply(message(1, "ana", "hi"))?.kind, "added");
  assertEquals(book.apply(edit(2, 1, "ana", "hey"))?.kind, "edited");
  assertEquals(book.apply(react(3, 1, "ben", "👍"))?.kind, "reacted");
  const deleted = book.apply(del(4, 1, "op"));
  assertEquals(deleted?.kind, "deleted");
  assertEquals(deleted !== undefined && "by" in deleted ? deleted.by : undefined, "op");
  assertEquals(book.apply({ type: "pong" } as ServerMessage), undefined);
});

Deno.test("MessageBook.apply() takes an ack as the event it carries", () => {
  const book = new MessageBook();
  book.apply({
    type: "ack",
    rid: "r1",
    id: 1,
    ts: TS,
    event: { type: "message", id: 1, ts: TS, room: "lobby", from: "ana", text: "hi" },
  });
  book.apply({
    type: "ack",
    rid: "r2",
    id: 2,
    ts: TS,
    event: { type: "edit", id: 2, ts: TS, room: "lobby", from: "ana", text: "hey", ref: 1 },
  });
  assertEquals(state(book, 1)?.text, "hey");
  assertEquals(state(book, 1)?.edited, true);
});

const LAST_OWN_CASES: {
  name: string;
  place: { room: string } | { with: string };
  expected: number | undefined;
}[] = [
  { name: "the newest own message of the room", place: { room: "lobby" }, expected: 4 },
  { name: "nothing in a room where one said nothing", place: { room: "lab" }, expected: undefined },
  { name: "the newest own private message to that person", place: { with: "BEN" }, expected: 6 },
  { name: "nothing in a conversation never had", place: { with: "cy" }, expected: undefined },
];

for (const { name, place, expected } of LAST_OWN_CASES) {
  Deno.test(`MessageBook.lastOwn() finds ${name}`, () => {
    const book = new MessageBook();
    book.apply(message(1, "ana", "first"));
    book.apply(message(2, "ben", "not mine"));
    book.apply({ type: "action", id: 3, ts: TS, room: "lobby", from: "Ana", text: "waves" });
    book.apply(message(4, "ana", "mine, newest"));
    book.apply(message(5, "ben", "newer, not mine"));
    book.apply({
      type: "private",
      id: 6,
      ts: TS,
      room: "lobby",
      from: "ana",
      to: "ben",
      text: "psst",
    });
    book.apply({
      type: "private",
      id: 7,
      ts: TS,
      room: "lobby",
      from: "ben",
      to: "ana",
      text: "yes",
    });
    book.apply({
      type: "file",
      id: 8,
      ts: TS,
      room: "lobby",
      from: "ana",
      text: "ana shared a.txt",
      file: { name: "a.txt", size: 1, sha256: "0".repeat(64) },
    });
    book.apply(message(9, "ana", "in lab", { room: "lab" }));
    book.apply(del(10, 9, "ana"));
    assertEquals(book.lastOwn("ANA", place)?.id, expected);
  });
}

Deno.test("MessageBook.lastOwn() passes over deleted messages to the one before", () => {
  const book = new MessageBook();
  book.apply(message(1, "ana", "keep"));
  book.apply(message(2, "ana", "oops"));
  book.apply(del(3, 2, "ana"));
  assertEquals(book.lastOwn("ana", { room: "lobby" })?.id, 1);
});

Deno.test("quoteOf() carries the first 140 characters, counting an emoji as one", () => {
  const book = new MessageBook();
  const long = "😀".repeat(150);
  book.apply(message(1, "ana", long));
  assertEquals(quoteOf(book.get(1)!), { from: "ana", text: "😀".repeat(140) });
});
