import { assertEquals } from "@std/assert";
import { callsForAttention, type DisplayEvent, markMention } from "../../src/client/mod.ts";

const SELF = "ana";
const TS = "2026-11-21T09:30:00.000Z";

const CASES: { name: string; event: DisplayEvent; mention: boolean; attention: boolean }[] = [
  {
    name: "a message that mentions you",
    event: { type: "message", from: "ben", text: "@ana look", ts: TS },
    mention: true,
    attention: true,
  },
  {
    name: "a mention in another case",
    event: { type: "message", from: "ben", text: "thanks @ANA.", ts: TS },
    mention: true,
    attention: true,
  },
  {
    name: "an action that mentions you",
    event: { type: "action", from: "ben", text: "waves at @ana", ts: TS },
    mention: true,
    attention: true,
  },
  {
    name: "a private message",
    event: { type: "private", from: "ben", to: "ana", text: "psst", ts: TS },
    mention: false,
    attention: true,
  },
  {
    name: "a private message that mentions you",
    event: { type: "private", from: "ben", to: "ana", text: "@ana psst", ts: TS },
    mention: true,
    attention: true,
  },
  {
    name: "your own private message",
    event: { type: "private", from: "ana", to: "ben", text: "psst", ts: TS },
    mention: false,
    attention: false,
  },
  {
    name: "your own message that names you",
    event: { type: "message", from: "Ana", text: "@ana is me", ts: TS },
    mention: false,
    attention: false,
  },
  {
    name: "a replayed mention",
    event: { type: "message", from: "ben", text: "@ana", ts: TS, history: true },
    mention: true,
    attention: false,
  },
  {
    name: "a longer nick",
    event: { type: "message", from: "ben", text: "@anabel hi", ts: TS },
    mention: false,
    attention: false,
  },
  {
    name: "an e-mail address",
    event: { type: "message", from: "ben", text: "write to me@ana.example", ts: TS },
    mention: false,
    attention: false,
  },
  {
    name: "a notice about you",
    event: { type: "notice", event: "join", from: "ben", text: "@ana joined", ts: TS },
    mention: false,
    attention: false,
  },
  {
    name: "a system line",
    event: { type: "system", event: "users", text: "In lobby: @ana" },
    mention: false,
    attention: false,
  },
];

Deno.test("markMention() marks someone else's line that mentions you, and only that", () => {
  for (const { name, event, mention } of CASES) {
    const marked = markMention(event, SELF);
    assertEquals(marked, mention ? { ...event, mention: true } : event, name);
    assertEquals("mention" in marked, mention, `${name}: the field is absent otherwise`);
  }
});

Deno.test("callsForAttention() is true for a live mention or a private message to you", () => {
  for (const { name, event, attention } of CASES) {
    assertEquals(callsForAttention(event, SELF), attention, name);
  }
});

Deno.test("Nothing mentions you or calls for you before you have a nick", () => {
  const event: DisplayEvent = { type: "private", from: "ben", text: "@ana" };
  assertEquals(markMention(event, ""), event);
  assertEquals(callsForAttention(event, ""), false);
});
