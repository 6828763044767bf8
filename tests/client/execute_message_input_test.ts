import { assertEquals } from "@std/assert";
import {
  executeInput,
  HistoryCursor,
  MessageBook,
  type Outcome,
  parseInput,
  type ReconnectingClient,
} from "../../src/client/mod.ts";
import type { ChatEvent, ServerMessage } from "../../src/protocol/mod.ts";

/** A client that records what it is asked to send; `connected: false` is a lost connection. */
function recordingClient(connected = true) {
  const sent: unknown[] = [];
  const client = {
    room: "lobby",
    nick: "ana",
    send: (text: string, options: object = {}) => {
      sent.push({ send: text, ...options });
      return Promise.resolve({} as ChatEvent);
    },
    sendPrivate: (to: string, text: string, options: object = {}) => {
      sent.push({ private: to, text, ...options });
      return Promise.resolve({} as ChatEvent);
    },
    change: (request: object) => {
      if (!connected) return undefined;
      sent.push(request);
      return Promise.resolve({} as ChatEvent);
    },
    search: (request: object) => {
      if (!connected) return undefined;
      sent.push({ search: request });
      return Promise.resolve({ type: "search_results", events: [], more: false, rid: "1" });
    },
  };
  return { client: client as unknown as ReconnectingClient, sent };
}

const TS = "2026-11-21T09:40:00.000Z";

/** What ana has seen: her messages 1 and 3 in the lobby, ben's 2, a private exchange 4 and 5. */
function book(): MessageBook {
  const book = new MessageBook();
  const events: ServerMessage[] = [
    { type: "message", id: 1, ts: TS, room: "lobby", from: "ana", text: "one" },
    { type: "message", id: 2, ts: TS, room: "lobby", from: "ben", text: "two" },
    { type: "message", id: 3, ts: TS, room: "lobby", from: "ana", text: "three" },
    { type: "private", id: 4, ts: TS, room: "lobby", from: "ana", to: "ben", text: "psst" },
    { type: "private", id: 5, ts: TS, room: "lobby", from: "ben", to: "ana", text: "yes?" },
  ];
  for (const event of events) book.apply(event);
  return book;
}

function run(
  line: string,
  options: { conversation?: string; connected?: boolean; emoji?: (text: string) => string } = {},
): { sent: unknown[]; outcome: Outcome } {
  const { client, sent } = recordingClient(options.connected);
  const outcome = executeInput(client, parseInput(line), {
    cursor: new HistoryCursor(),
    conversation: options.conversation,
    upload: () => ({ kind: "empty" }),
    get: () => ({ kind: "empty" }),
    book: book(),
    emoji: options.emoji,
    showIds: (on) => ({ kind: "note", text: `ids ${on}` }),
  });
  return { sent, outcome };
}

const SENT: { line: string; conversation?: string; sent: unknown[] }[] = [
  { line: "/reply 2 sure", sent: [{ send: "sure", replyTo: 2 }] },
  { line: "/reply 5 here", sent: [{ private: "ben", text: "here", replyTo: 5 }] },
  { line: "/reply #4 again", sent: [{ private: "ben", text: "again", replyTo: 4 }] },
  { line: "/reply 99 hm", conversation: "cy", sent: [{ private: "cy", text: "hm", replyTo: 99 }] },
  { line: "/react 2 👍", sent: [{ type: "react", id: 2, emoji: "👍" }] },
  { line: "/react 2 -👍", sent: [{ type: "react", id: 2, emoji: "👍", remove: true }] },
  { line: "/edit 1 uno", sent: [{ type: "edit", id: 1, text: "uno" }] },
  { line: "/edit tres", sent: [{ type: "edit", id: 3, text: "tres" }] },
  { line: "/edit shh", conversation: "Ben", sent: [{ type: "edit", id: 4, text: "shh" }] },
  { line: "/delete", sent: [{ type: "delete", id: 3 }] },
  { line: "/delete #2", sent: [{ type: "delete", id: 2 }] },
  {
    line: "/search zebra in:#Lab from:ben",
    sent: [{ search: { text: "zebra", room: "lab", from: "ben" } }],
  },
  { line: "/search zebra before:40", sent: [{ search: { text: "zebra", before: 40 } }] },
];

Deno.test("executeInput() sends replies, reactions, edits, deletes and searches", () => {
  for (const { line, conversation, sent } of SENT) {
    assertEquals(run(line, { conversation }).sent, sent, line);
  }
});

Deno.test("executeInput() replaces shortcodes in a /react emoji with the function given", () => {
  const emoji = (text: string) => text.replaceAll(":+1:", "👍");
  assertEquals(run("/react 2 :+1:", { emoji }).sent, [{ type: "react", id: 2, emoji: "👍" }]);
  assertEquals(run("/react 2 :+1:").sent, [{ type: "react", id: 2, emoji: ":+1:" }]);
});

Deno.test("executeInput() asks for an id when there is no own message to edit or delete", () => {
  const edit = run("/edit hello", { conversation: "cy" });
  assertEquals(edit.sent, []);
  assertEquals(edit.outcome, {
    kind: "invalid",
    message: "You have sent nothing here to edit; name the message: /edit ID.",
  });
  assertEquals(run("/delete", { conversation: "cy" }).outcome.kind, "invalid");
});

Deno.test("executeInput() says a change or search waits for the connection", () => {
  for (const line of ["/react 2 👍", "/edit 1 x", "/delete 1", "/search x"]) {
    const { outcome } = run(line, { connected: false });
    assertEquals(outcome.kind, "invalid", line);
  }
});

Deno.test("executeInput() leaves /ids to the client", () => {
  assertEquals(run("/ids on").outcome, { kind: "note", text: "ids true" });
  assertEquals(run("/ids off").outcome, { kind: "note", text: "ids false" });
});
