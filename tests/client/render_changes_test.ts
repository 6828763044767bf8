import { assertEquals } from "@std/assert";
import * as colors from "@std/fmt/colors";
import { type DisplayEvent, renderEvent } from "../../src/client/mod.ts";

colors.setColorEnabled(false);

/** 09:30 local time, so the rendered clock does not depend on the machine's time zone. */
const TS = new Date(2026, 10, 21, 9, 30, 15).toISOString();
const NOW = new Date(2026, 10, 21, 18, 0);

const CASES: { name: string; event: DisplayEvent; ids?: boolean; lines: string[] }[] = [
  {
    name: "a reply with the start of its original before it",
    event: {
      type: "message",
      id: 13,
      ts: TS,
      from: "ben",
      text: "yes",
      reply_to: 12,
      quote: { from: "ana", text: "lunch\nat 12?" },
    },
    lines: ["  ↪ ana: lunch at 12?", "09:30 <ben> yes"],
  },
  {
    name: "a reply to a long original, cut with an ellipsis",
    event: {
      type: "message",
      id: 13,
      ts: TS,
      from: "ben",
      text: "yes",
      reply_to: 12,
      quote: { from: "ana", text: "é".repeat(80) },
    },
    lines: [`  ↪ ana: ${"é".repeat(60)}…`, "09:30 <ben> yes"],
  },
  {
    name: "a reply to a deleted message",
    event: {
      type: "message",
      id: 13,
      ts: TS,
      from: "ben",
      text: "yes",
      reply_to: 12,
      quote: { from: "ana", text: "", deleted: true },
    },
    lines: ["  ↪ ana: (message deleted)", "09:30 <ben> yes"],
  },
  {
    name: "an edited message, with its id",
    event: { type: "message", id: 12, ts: TS, from: "ana", text: "lunch at 1?", edited: true },
    ids: true,
    lines: ["#12 09:30 <ana> lunch at 1? (edited)"],
  },
  {
    name: "a deleted message from history",
    event: { type: "message", id: 12, ts: TS, from: "ana", text: "", deleted: true, history: true },
    lines: ["│ 09:30 <ana> (message deleted)"],
  },
  {
    name: "a message with its reactions after it",
    event: {
      type: "message",
      id: 12,
      ts: TS,
      from: "ana",
      text: "party",
      reactions: [{ emoji: "👍", nicks: ["ana", "ben"] }, { emoji: "🎉", nicks: ["cy"] }],
    },
    lines: ["09:30 <ana> party", "  #12 👍 2 (ana, ben) · 🎉 1 (cy)"],
  },
  {
    name: "an edit",
    event: { type: "edit", id: 20, ref: 12, ts: TS, from: "ana", text: "lunch at 1?" },
    lines: ["09:30 -- ana edited #12: lunch at 1?"],
  },
  {
    name: "a delete",
    event: { type: "delete", id: 21, ref: 12, ts: TS, from: "ana", text: "" },
    lines: ["09:30 -- (ana deleted #12)"],
  },
  {
    name: "a reaction, as the message's whole summary",
    event: {
      type: "reaction",
      id: 22,
      ref: 12,
      ts: TS,
      from: "ben",
      emoji: "👍",
      text: "ben reacted 👍 to #12",
      reactions: [{ emoji: "👍", nicks: ["ana", "ben"] }, { emoji: "🎉", nicks: ["cy"] }],
    },
    lines: ["  #12 👍 2 (ana, ben) · 🎉 1 (cy)"],
  },
  {
    name: "the last reaction taken back",
    event: {
      type: "reaction",
      id: 23,
      ref: 12,
      ts: TS,
      from: "ben",
      emoji: "👍",
      remove: true,
      text: "ben took back 👍 from #12",
      reactions: [],
    },
    lines: ["  #12 no reactions"],
  },
  {
    name: "a reaction to a message never seen",
    event: {
      type: "reaction",
      id: 22,
      ref: 3,
      from: "ben",
      emoji: "👍",
      text: "ben reacted 👍 to #3",
    },
    lines: ["  #3 ben reacted 👍 to #3"],
  },
  {
    name: "search results one a line, escaped",
    event: {
      type: "system",
      event: "search",
      more: true,
      text: "",
      results: [
        {
          type: "message",
          id: 30,
          ts: TS,
          room: "lab",
          from: "ana",
          text: "zebra\x1b[2J",
          edited: true,
        },
        { type: "private", id: 9, ts: TS, room: "lobby", from: "ben", to: "ana", text: "zebras" },
      ],
    },
    lines: [
      "-- Found 2 messages, newest first (older ones: add before:9):",
      "   #30 09:30 lab ana: zebra\\x1b[2J (edited)",
      "   #9 09:30 → ana ben: zebras",
    ],
  },
];

for (const { name, event, ids, lines } of CASES) {
  Deno.test(`renderEvent() renders ${name}`, () => {
    assertEquals(renderEvent(event, { self: "cy", now: NOW, ids }).split("\n"), lines);
  });
}

Deno.test("renderEvent() leaves other events to renderLine()", () => {
  const event: DisplayEvent = {
    type: "system",
    event: "search",
    results: [],
    text: "No messages found.",
  };
  assertEquals(renderEvent(event, { self: "cy", now: NOW }), "-- No messages found.");
});
