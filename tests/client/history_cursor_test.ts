import { assertEquals } from "@std/assert";
import { HistoryCursor } from "../../src/client/mod.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";

const TS = "2026-11-21T09:30:00.000Z";

function event(
  type: "message" | "action" | "notice" | "file",
  id: number,
  room = "lobby",
): ServerMessage {
  const base = { id, ts: TS, room, from: "ada", text: "x", history: true } as const;
  if (type === "file") return { type, file: { name: "a.txt", size: 1, sha256: "0" }, ...base };
  return type === "notice" ? { type, event: "join", ...base } : { type, ...base };
}

Deno.test("HistoryCursor.before() is undefined for a room it has seen nothing of", () => {
  const cursor = new HistoryCursor();
  assertEquals(cursor.before("lobby"), undefined);
  cursor.observe(event("message", 5, "lab"));
  assertEquals(cursor.before("lobby"), undefined);
});

Deno.test("HistoryCursor.before() is the oldest room event id seen in that room", () => {
  const cases: { ids: number[]; before: number }[] = [
    { ids: [41], before: 41 },
    { ids: [41, 42, 43], before: 41 },
    { ids: [43, 42, 41], before: 41 },
    { ids: [50, 10, 30], before: 10 },
  ];
  for (const { ids, before } of cases) {
    const cursor = new HistoryCursor();
    for (const id of ids) cursor.observe(event("message", id));
    assertEquals(cursor.before("lobby"), before, ids.join(", "));
  }
});

Deno.test("HistoryCursor.observe() counts messages, actions, notices and files", () => {
  for (const type of ["message", "action", "notice", "file"] as const) {
    const cursor = new HistoryCursor();
    cursor.observe(event(type, 7));
    assertEquals(cursor.before("lobby"), 7, type);
  }
});

Deno.test("HistoryCursor.observe() ignores private messages and replies", () => {
  const cursor = new HistoryCursor();
  cursor.observe(event("message", 20));
  const ignored: ServerMessage[] = [
    { type: "private", id: 3, ts: TS, room: "lobby", from: "ada", to: "bob", text: "psst" },
    {
      type: "ack",
      rid: "a1",
      id: 2,
      ts: TS,
      event: { type: "message", id: 2, ts: TS, room: "lobby", from: "ada", text: "x" },
    },
    { type: "history_end", room: "lobby", count: 3, before: 1, more: true },
    { type: "joined", room: "lobby", users: ["ada"], count: 1 },
    { type: "pong" },
  ];
  for (const message of ignored) cursor.observe(message);
  assertEquals(cursor.before("lobby"), 20);
});

Deno.test("HistoryCursor keeps one position per room", () => {
  const cursor = new HistoryCursor();
  cursor.observe(event("message", 30, "lobby"));
  cursor.observe(event("message", 12, "lab"));
  cursor.observe(event("notice", 25, "lobby"));
  cursor.observe(event("action", 40, "lab"));
  assertEquals([cursor.before("lobby"), cursor.before("lab")], [25, 12]);
});
