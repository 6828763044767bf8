import { assertEquals } from "@std/assert";
import type { ServerMessage } from "../../src/protocol/mod.ts";
import { placeKey, UnreadTracker } from "../../src/client/unread_tracker.ts";

const TS = "2026-12-04T10:00:00.000Z";

function loggedIn(nick = "ana"): UnreadTracker {
  const tracker = new UnreadTracker();
  tracker.observe({
    type: "welcome",
    v: 1,
    server: "chat/test",
    nick,
    max_message_bytes: 4096,
    max_frame_bytes: 1_048_576,
    history: 50,
  });
  return tracker;
}

function message(id: number, from: string, text: string, room = "lobby"): ServerMessage {
  return { type: "message", id, ts: TS, room, from, text };
}

function counts(tracker: UnreadTracker) {
  return tracker.places.map((state) => [placeKey(state.place), state.unread, state.mentions]);
}

Deno.test("UnreadTracker takes the server's counts after login", () => {
  const tracker = loggedIn();
  tracker.observe({
    type: "unread_counts",
    places: [
      { room: "lobby", unread: 3, mentions: 1, last_id: 9, read_id: 6 },
      { with: "Ben", unread: 2, mentions: 0, last_id: 8, read_id: 0 },
    ],
  });
  assertEquals(counts(tracker), [["#lobby", 3, 1], ["@ben", 2, 0]]);
  assertEquals(tracker.totals, { unread: 5, attention: 3 });
});

Deno.test("UnreadTracker counts activity elsewhere, live messages not seen, and privates", () => {
  const tracker = loggedIn();
  tracker.view({ room: "lobby" }, false);
  tracker.observe({ type: "activity", room: "lab", id: 3, from: "ben", mention: true });
  tracker.observe({ type: "activity", room: "lab", id: 4, from: "ben" });
  tracker.observe(message(5, "ben", "hi @ANA"));
  tracker.observe(message(6, "ana", "my own line"));
  tracker.observe({ ...message(7, "ben", "old"), history: true } as ServerMessage);
  tracker.observe({
    type: "private",
    id: 8,
    ts: TS,
    room: "lobby",
    from: "cy",
    to: "ana",
    text: "psst",
  });
  assertEquals(counts(tracker), [["#lab", 2, 1], ["#lobby", 1, 1], ["@cy", 1, 0]]);
  assertEquals(tracker.totals, { unread: 4, attention: 3 });
});

Deno.test("UnreadTracker: what arrives in the place being seen is read at once", () => {
  const tracker = loggedIn();
  tracker.view({ room: "lobby" }, true);
  tracker.observe(message(5, "ben", "@ana seen"));
  assertEquals(tracker.get({ room: "lobby" })?.unread, 0);
  assertEquals(tracker.markRead({ room: "lobby" }), { type: "read", room: "lobby", id: 5 });
  assertEquals(tracker.markRead({ room: "lobby" }), undefined, "nothing new to tell");
});

Deno.test("UnreadTracker: scrolled up, messages count until the place is seen and read", () => {
  const tracker = loggedIn();
  tracker.view({ with: "ben" }, false);
  tracker.observe({
    type: "private",
    id: 2,
    ts: TS,
    room: "lobby",
    from: "Ben",
    to: "ana",
    text: "1",
  });
  assertEquals(tracker.get({ with: "ben" })?.unread, 1);
  let changes = 0;
  tracker.subscribe(() => changes++);
  tracker.view({ with: "ben" }, true);
  assertEquals(tracker.get({ with: "ben" })?.unread, 0);
  assertEquals(tracker.markRead({ with: "ben" }), { type: "read", with: "ben", id: 2 });
  assertEquals(changes > 0, true);
});

Deno.test("UnreadTracker: another device's read marker takes off what it read", () => {
  const tracker = loggedIn();
  tracker.view({ room: "side" }, true);
  for (const id of [3, 4, 5]) tracker.observe({ type: "activity", room: "lobby", id, from: "ben" });
  tracker.observe({ type: "read_marker", room: "lobby", id: 4 });
  assertEquals(tracker.get({ room: "lobby" })?.unread, 1);
  assertEquals(tracker.wantsCounts, false);
  tracker.observe({ type: "read_marker", room: "lobby", id: 5 });
  assertEquals(tracker.get({ room: "lobby" })?.unread, 0);
});

Deno.test("UnreadTracker asks for counts when a marker falls inside what the server counted", () => {
  const tracker = loggedIn();
  tracker.observe({
    type: "unread_counts",
    places: [{ room: "lobby", unread: 5, mentions: 0, last_id: 10, read_id: 5 }],
  });
  tracker.observe({ type: "read_marker", room: "lobby", id: 8 });
  assertEquals(tracker.wantsCounts, true);
  tracker.observe({
    type: "unread_counts",
    places: [{ room: "lobby", unread: 2, mentions: 0, last_id: 10, read_id: 8 }],
  });
  assertEquals([tracker.wantsCounts, tracker.get({ room: "lobby" })?.unread], [false, 2]);
});

Deno.test("UnreadTracker: a file shared privately counts in the conversation with its sender", () => {
  const tracker = loggedIn();
  tracker.observe({
    type: "file",
    id: 9,
    ts: TS,
    room: "lobby",
    from: "ben",
    to: "ana",
    text: "ben shared a.txt",
    file: { name: "a.txt", size: 1, sha256: "0".repeat(64) },
  });
  assertEquals(counts(tracker), [["@ben", 1, 0]]);
});
