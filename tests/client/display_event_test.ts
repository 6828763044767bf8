import { assertEquals } from "@std/assert";
import { toDisplayEvent } from "../../src/client/mod.ts";
import { SERVER_MESSAGE_TYPES, type ServerMessage } from "../../src/protocol/mod.ts";

const TS = "2026-11-21T09:30:00.000Z";

/** What `--json` prints for an event: JSON drops the fields left undefined. */
function asJson(message: ServerMessage): unknown {
  const event = toDisplayEvent(message);
  return event === undefined ? undefined : JSON.parse(JSON.stringify(event));
}

const FILE = { name: "report.pdf", size: 1_200_000, sha256: "ab".repeat(32) };

const MAPPINGS: { message: ServerMessage; event: object }[] = [
  {
    message: {
      type: "unread_counts",
      places: [
        { room: "lobby", unread: 3, mentions: 1, last_id: 9, read_id: 6 },
        { room: "lab", unread: 0, mentions: 0, last_id: 4, read_id: 4 },
        { with: "ben", unread: 2, mentions: 0, last_id: 8, read_id: 0 },
      ],
    },
    event: {
      type: "system",
      event: "unread",
      places: [
        { room: "lobby", unread: 3, mentions: 1, last_id: 9, read_id: 6 },
        { with: "ben", unread: 2, mentions: 0, last_id: 8, read_id: 0 },
      ],
      text: "Unread: lobby 3 (1 mention you); ben 2 private (/query ben).",
    },
  },
  {
    message: { type: "activity", room: "lab", id: 7, from: "ben", mention: true },
    event: {
      type: "system",
      event: "mention",
      room: "lab",
      from: "ben",
      id: 7,
      text: "ben mentioned you in lab (/join lab).",
    },
  },
  {
    message: {
      type: "mention_list",
      events: [{ type: "message", id: 7, ts: TS, room: "lab", from: "ben", text: "@ana hi" }],
      more: true,
    },
    event: {
      type: "system",
      event: "mentions",
      mentions: [{ type: "message", id: 7, ts: TS, room: "lab", from: "ben", text: "@ana hi" }],
      more: true,
      text: "Mentions of you (the newest 1): [lab] ben: @ana hi.",
    },
  },
  {
    message: { type: "presence", nick: "ana", room: "lobby", away: true, text: "lunch" },
    event: {
      type: "system",
      event: "presence",
      nick: "ana",
      room: "lobby",
      away: true,
      text: "ana is away: lunch.",
    },
  },
  {
    message: {
      type: "file",
      id: 13,
      ts: TS,
      room: "lobby",
      from: "ana",
      to: "ben",
      text: "ana shared a.txt (3 B)",
      file: FILE,
    },
    event: {
      type: "file",
      id: 13,
      ts: TS,
      room: "lobby",
      from: "ana",
      to: "ben",
      text: "ana shared a.txt (3 B), only with ben — /get 13",
      file: FILE,
    },
  },
  {
    message: {
      type: "file",
      id: 12,
      ts: TS,
      room: "lobby",
      from: "ana",
      text: "ana shared report.pdf (1.2 MB)",
      file: FILE,
    },
    event: {
      type: "file",
      id: 12,
      ts: TS,
      room: "lobby",
      from: "ana",
      text: "ana shared report.pdf (1.2 MB) — /get 12",
      file: FILE,
    },
  },
  {
    message: { type: "upload_done", rid: "u2", transfer: 1, id: 12, file: FILE },
    event: {
      type: "system",
      event: "shared",
      id: 12,
      file: FILE,
      text: "You shared report.pdf (1.2 MB) — /get 12",
    },
  },
  {
    message: { type: "file_list", files: [] },
    event: { type: "system", event: "files", files: [], text: "No files have been shared yet." },
  },
  {
    message: {
      type: "file_list",
      rid: "f1",
      files: [{ id: 12, ts: TS, room: "lobby", from: "ana", ...FILE }],
    },
    event: {
      type: "system",
      event: "files",
      files: [{ id: 12, ts: TS, room: "lobby", from: "ana", ...FILE }],
      text: "Files: 12 report.pdf (1.2 MB, ana). /get ID to fetch one.",
    },
  },
  {
    message: { type: "message", id: 44, ts: TS, room: "lobby", from: "bob", text: "hello!" },
    event: { type: "message", id: 44, ts: TS, room: "lobby", from: "bob", text: "hello!" },
  },
  {
    message: {
      type: "message",
      id: 41,
      ts: TS,
      room: "lobby",
      from: "bob",
      text: "anyone here?",
      history: true,
    },
    event: {
      type: "message",
      id: 41,
      ts: TS,
      room: "lobby",
      from: "bob",
      text: "anyone here?",
      history: true,
    },
  },
  {
    message: { type: "action", id: 45, ts: TS, room: "lobby", from: "bob", text: "waves" },
    event: { type: "action", id: 45, ts: TS, room: "lobby", from: "bob", text: "waves" },
  },
  {
    message: { type: "private", id: 46, ts: TS, room: "lab", from: "bob", to: "ada", text: "psst" },
    event: { type: "private", id: 46, ts: TS, room: "lab", from: "bob", to: "ada", text: "psst" },
  },
  {
    message: {
      type: "notice",
      id: 47,
      ts: TS,
      room: "lobby",
      event: "nick",
      from: "bob",
      nick: "rob",
      text: "bob is now known as rob",
    },
    event: {
      type: "notice",
      id: 47,
      ts: TS,
      room: "lobby",
      event: "nick",
      from: "bob",
      nick: "rob",
      text: "bob is now known as rob",
    },
  },
  {
    message: {
      type: "error",
      code: "no_such_user",
      message: "No user named carol is connected.",
      fatal: false,
      rid: "a2",
    },
    event: { type: "error", code: "no_such_user", text: "No user named carol is connected." },
  },
  {
    message: {
      type: "welcome",
      v: 1,
      server: "chat/0.1.0",
      nick: "ada",
      max_message_bytes: 4096,
      max_frame_bytes: 1_048_576,
      history: 50,
    },
    event: {
      type: "system",
      event: "welcome",
      nick: "ada",
      server: "chat/0.1.0",
      text: "Connected as ada to chat/0.1.0. Type /help for commands.",
    },
  },
  {
    message: { type: "joined", room: "lobby", users: ["ada", "bob"], count: 2, rid: "j1" },
    event: {
      type: "system",
      event: "joined",
      room: "lobby",
      users: ["ada", "bob"],
      text: "You are in lobby with ada, bob.",
    },
  },
  {
    message: { type: "joined", room: "lab", users: [], count: 0 },
    event: {
      type: "system",
      event: "joined",
      room: "lab",
      users: [],
      text: "You are in lab with nobody.",
    },
  },
  {
    message: { type: "joined", room: "hall", users: ["ada", "bob"], count: 9000 },
    event: {
      type: "system",
      event: "joined",
      room: "hall",
      users: ["ada", "bob"],
      text: "You are in hall with ada, bob and 8998 more (/who lists them all).",
    },
  },
  {
    message: { type: "history_end", room: "lobby", count: 3, before: 41, more: true },
    event: {
      type: "system",
      event: "history_end",
      room: "lobby",
      count: 3,
      more: true,
      text: "End of history (3 earlier events; /history for more).",
    },
  },
  {
    message: { type: "history_end", room: "lobby", count: 50, before: 9000, more: true, gap: true },
    event: {
      type: "system",
      event: "history_end",
      room: "lobby",
      count: 50,
      more: true,
      gap: true,
      text: "More than 5,000 events happened while you were away; the newest are shown " +
        "(/history for earlier ones).",
    },
  },
  {
    message: { type: "history_end", room: "lobby", count: 2, before: 41, more: false },
    event: {
      type: "system",
      event: "history_end",
      room: "lobby",
      count: 2,
      more: false,
      text: "End of history (2 earlier events).",
    },
  },
  {
    message: { type: "history_end", room: "lobby", count: 0, before: null, more: false },
    event: {
      type: "system",
      event: "history_end",
      room: "lobby",
      count: 0,
      more: false,
      text: "No earlier messages.",
    },
  },
  {
    message: { type: "users", room: "lobby", users: ["ada", "bob"], rid: "w1" },
    event: {
      type: "system",
      event: "users",
      room: "lobby",
      users: ["ada", "bob"],
      text: "In lobby: ada, bob.",
    },
  },
  {
    message: { type: "users", room: "lobby", users: ["ada", "Bob", "cy"], away: ["bob"] },
    event: {
      type: "system",
      event: "users",
      room: "lobby",
      users: ["ada", "Bob", "cy"],
      text: "In lobby: ada, Bob (away), cy.",
    },
  },
  {
    message: { type: "joined", room: "lab", users: ["ada", "bob"], count: 2, away: ["ada"] },
    event: {
      type: "system",
      event: "joined",
      room: "lab",
      users: ["ada", "bob"],
      text: "You are in lab with ada (away), bob.",
    },
  },
  {
    message: { type: "history_end", room: "", with: "ben", count: 2, before: 7, more: true },
    event: {
      type: "system",
      event: "history_end",
      with: "ben",
      count: 2,
      more: true,
      text: "End of history with ben (2 earlier events; /history for more).",
    },
  },
  {
    message: { type: "history_end", room: "", with: "ben", count: 0, before: null, more: false },
    event: {
      type: "system",
      event: "history_end",
      with: "ben",
      count: 0,
      more: false,
      text: "No earlier messages with ben.",
    },
  },
  {
    message: {
      type: "room_list",
      rooms: [{ name: "lab", users: 1 }, { name: "lobby", users: 0 }],
    },
    event: {
      type: "system",
      event: "rooms",
      rooms: [{ name: "lab", users: 1 }, { name: "lobby", users: 0 }],
      text: "Rooms: lab (1), lobby (0).",
    },
  },
  {
    message: {
      type: "server_info",
      room: "lobby",
      users: ["ada", "bob"],
      online: 3,
      uptime_s: 3_725,
      messages: 120,
      server: "chat/0.1.0",
    },
    event: {
      type: "system",
      event: "info",
      room: "lobby",
      users: ["ada", "bob"],
      online: 3,
      uptime_s: 3_725,
      messages: 120,
      server: "chat/0.1.0",
      text: "Room lobby: ada, bob. 3 online, up 1 h 2 min, 120 messages stored (chat/0.1.0).",
    },
  },
  {
    message: { type: "nick_ok", nick: "rob", rid: "n1" },
    event: { type: "system", event: "nick", nick: "rob", text: "You are now known as rob." },
  },
  {
    message: { type: "bye", reason: "quit", message: "Goodbye." },
    event: { type: "system", event: "bye", text: "Disconnected." },
  },
  {
    message: { type: "bye", reason: "shutdown", message: "The server is shutting down." },
    event: { type: "system", event: "bye", text: "The server is shutting down." },
  },
  {
    message: {
      type: "welcome",
      v: 1,
      server: "chat/0.1.0",
      nick: "ana",
      max_message_bytes: 4096,
      max_frame_bytes: 1048576,
      history: 50,
      operator: true,
    },
    event: {
      type: "system",
      event: "welcome",
      nick: "ana",
      server: "chat/0.1.0",
      operator: true,
      text: "Connected as ana to chat/0.1.0 as an operator. Type /help for commands.",
    },
  },
  {
    message: {
      type: "joined",
      room: "class",
      users: ["ana", "bo"],
      count: 2,
      ops: ["Ana"],
      topic: "Exam at 10:00",
    },
    event: {
      type: "system",
      event: "joined",
      room: "class",
      users: ["ana", "bo"],
      ops: ["Ana"],
      topic: "Exam at 10:00",
      text: "You are in class with @ana, bo. Topic: Exam at 10:00",
    },
  },
  {
    message: { type: "users", room: "lobby", users: ["ana", "bo"], ops: ["ana"], away: ["ana"] },
    event: {
      type: "system",
      event: "users",
      room: "lobby",
      users: ["ana", "bo"],
      ops: ["ana"],
      text: "In lobby: @ana (away), bo.",
    },
  },
  {
    message: {
      type: "notice",
      id: 50,
      ts: TS,
      room: "lobby",
      from: "bo",
      text: "bo was banned by ana until 2026-11-21T11:30:00.000Z: spam.",
      event: "ban",
      by: "ana",
      reason: "spam",
      until: "2026-11-21T11:30:00.000Z",
    },
    event: {
      type: "notice",
      id: 50,
      ts: TS,
      room: "lobby",
      from: "bo",
      text: "bo was banned by ana until 2026-11-21T11:30:00.000Z: spam.",
      event: "ban",
      by: "ana",
      reason: "spam",
      until: "2026-11-21T11:30:00.000Z",
    },
  },
  {
    message: {
      type: "notice",
      id: 51,
      ts: TS,
      room: "lobby",
      from: "ana",
      text: "ana set the topic: Exam at 10:00",
      event: "topic",
      by: "ana",
      topic: "Exam at 10:00",
    },
    event: {
      type: "notice",
      id: 51,
      ts: TS,
      room: "lobby",
      from: "ana",
      text: "ana set the topic: Exam at 10:00",
      event: "topic",
      by: "ana",
      topic: "Exam at 10:00",
    },
  },
  {
    message: { type: "done", rid: "k1", text: "bo was kicked." },
    event: { type: "system", event: "done", text: "bo was kicked." },
  },
  {
    message: {
      type: "ban_list",
      rid: "b1",
      bans: [
        { nick: "bo", address: "192.168.1.7", by: "ana", ts: TS, reason: "spam" },
        { nick: "cy", by: "ana", ts: TS, until: "2026-11-22T09:30:00.000Z" },
      ],
    },
    event: {
      type: "system",
      event: "bans",
      bans: [
        { nick: "bo", address: "192.168.1.7", by: "ana", ts: TS, reason: "spam" },
        { nick: "cy", by: "ana", ts: TS, until: "2026-11-22T09:30:00.000Z" },
      ],
      text: "Bans in force: bo at 192.168.1.7, by ana since 2026-11-21 09:30, with no end " +
        "(spam); cy, by ana since 2026-11-21 09:30, until 2026-11-22 09:30.",
    },
  },
  {
    message: { type: "ban_list", rid: "b2", bans: [] },
    event: { type: "system", event: "bans", bans: [], text: "Nobody is banned." },
  },
  {
    message: {
      type: "audit_list",
      rid: "a1",
      entries: [{ id: 3, ts: TS, by: "ana", action: "kick", nick: "bo", reason: "flood" }],
      more: false,
    },
    event: {
      type: "system",
      event: "audit",
      entries: [{ id: 3, ts: TS, by: "ana", action: "kick", nick: "bo", reason: "flood" }],
      more: false,
      text: "Audit log, newest first: 2026-11-21 09:30 ana kick bo (flood).",
    },
  },
  {
    message: {
      type: "room_settings",
      rid: "r1",
      room: "news",
      topic: "Daily notes",
      announce: true,
      locked: false,
      slow_s: 10,
      files: true,
      closed: false,
    },
    event: {
      type: "system",
      event: "room",
      room: "news",
      settings: {
        room: "news",
        topic: "Daily notes",
        announce: true,
        locked: false,
        slow_s: 10,
        files: true,
        closed: false,
      },
      text: 'Room news: topic "Daily notes", announcements only, slow mode 10 s.',
    },
  },
  {
    message: {
      type: "device_list",
      rid: "d1",
      nick: "bo",
      devices: [{ id: "d7f3", name: "chat-cli/0.1.0", created: TS, last_seen: TS }],
    },
    event: {
      type: "system",
      event: "devices",
      nick: "bo",
      devices: [{ id: "d7f3", name: "chat-cli/0.1.0", created: TS, last_seen: TS }],
      text: "Devices of bo: d7f3 chat-cli/0.1.0 (last seen 2026-11-21 09:30). " +
        "/devices NICK remove ID signs one out.",
    },
  },
  // Section 3.6: a message carries its state; changes name their message in `ref`.
  {
    message: {
      type: "message",
      id: 13,
      ts: TS,
      room: "lobby",
      from: "ben",
      text: "yes",
      reply_to: 12,
      quote: { from: "ana", text: "lunch?" },
      edited: true,
      reactions: [{ emoji: "👍", nicks: ["ana", "cy"] }],
    },
    event: {
      type: "message",
      id: 13,
      ts: TS,
      room: "lobby",
      from: "ben",
      text: "yes",
      reply_to: 12,
      quote: { from: "ana", text: "lunch?" },
      edited: true,
      reactions: [{ emoji: "👍", nicks: ["ana", "cy"] }],
    },
  },
  {
    message: {
      type: "action",
      id: 14,
      ts: TS,
      room: "lobby",
      from: "ben",
      text: "",
      deleted: true,
      history: true,
      reactions: [],
    },
    event: {
      type: "action",
      id: 14,
      ts: TS,
      room: "lobby",
      from: "ben",
      text: "",
      deleted: true,
      history: true,
    },
  },
  {
    message: {
      type: "edit",
      id: 20,
      ts: TS,
      room: "lobby",
      from: "ana",
      text: "lunch at 1?",
      ref: 12,
    },
    event: {
      type: "edit",
      id: 20,
      ts: TS,
      room: "lobby",
      from: "ana",
      text: "lunch at 1?",
      ref: 12,
    },
  },
  {
    message: {
      type: "delete",
      id: 21,
      ts: TS,
      room: "",
      from: "ana",
      to: "ben",
      text: "",
      ref: 15,
    },
    event: { type: "delete", id: 21, ts: TS, room: "", from: "ana", to: "ben", text: "", ref: 15 },
  },
  {
    message: {
      type: "reaction",
      id: 22,
      ts: TS,
      room: "lobby",
      from: "cy",
      text: "",
      ref: 12,
      emoji: "🎉",
    },
    event: {
      type: "reaction",
      id: 22,
      ts: TS,
      room: "lobby",
      from: "cy",
      text: "cy reacted 🎉 to #12",
      ref: 12,
      emoji: "🎉",
    },
  },
  {
    message: {
      type: "reaction",
      id: 23,
      ts: TS,
      room: "lobby",
      from: "cy",
      text: "",
      ref: 12,
      emoji: "🎉",
      remove: true,
    },
    event: {
      type: "reaction",
      id: 23,
      ts: TS,
      room: "lobby",
      from: "cy",
      text: "cy took back 🎉 from #12",
      ref: 12,
      emoji: "🎉",
      remove: true,
    },
  },
  {
    message: {
      type: "search_results",
      rid: "r1",
      events: [
        {
          type: "message",
          id: 30,
          ts: TS,
          room: "lab",
          from: "ana",
          text: "zebrafish",
          edited: true,
        },
        { type: "private", id: 9, ts: TS, room: "lobby", from: "ben", to: "ana", text: "zebra" },
      ],
      more: true,
    },
    event: {
      type: "system",
      event: "search",
      results: [
        {
          type: "message",
          id: 30,
          ts: TS,
          room: "lab",
          from: "ana",
          text: "zebrafish",
          edited: true,
        },
        { type: "private", id: 9, ts: TS, room: "lobby", from: "ben", to: "ana", text: "zebra" },
      ],
      more: true,
      text: "Found 2 (more with before:ID): #30 ana: zebrafish; #9 ben: zebra.",
    },
  },
  {
    message: { type: "search_results", rid: "r2", events: [], more: false },
    event: {
      type: "system",
      event: "search",
      results: [],
      more: false,
      text: "No messages found.",
    },
  },
];

for (const { message, event } of MAPPINGS) {
  const { type, text } = event as { type: string; text: string };
  Deno.test(`toDisplayEvent() maps ${message.type} to the ${type} event "${text}"`, () => {
    assertEquals(asJson(message), event);
  });
}

Deno.test("toDisplayEvent() formats uptime in seconds, minutes or hours", () => {
  const cases = [
    { uptime_s: 0, text: "up 0 s" },
    { uptime_s: 59, text: "up 59 s" },
    { uptime_s: 60, text: "up 1 min" },
    { uptime_s: 3_599, text: "up 59 min" },
    { uptime_s: 3_600, text: "up 1 h 0 min" },
    { uptime_s: 90_000, text: "up 25 h 0 min" },
  ];
  for (const { uptime_s, text } of cases) {
    const event = toDisplayEvent({
      type: "server_info",
      room: "lobby",
      users: [],
      online: 0,
      uptime_s,
      messages: 0,
      server: "chat/0.1.0",
    });
    assertEquals(event?.text.includes(`, ${text},`), true, `${uptime_s} s: ${event?.text}`);
  }
});

Deno.test("toDisplayEvent() shows nothing for ping, pong, ack and transfer plumbing", () => {
  const chatter: ServerMessage[] = [
    { type: "upload_ready", rid: "u1", transfer: 1, offset: 0 },
    { type: "download_ready", rid: "d1", transfer: 2, id: 12, file: FILE, offset: 0 },
    { type: "download_end", transfer: 2 },
    { type: "ping" },
    { type: "ping", rid: "p1" },
    { type: "pong" },
    { type: "pong", rid: "p1" },
    { type: "read_marker", room: "lobby", id: 4 },
    { type: "typing", from: "ben", room: "lobby" },
    { type: "activity", room: "lab", id: 7, from: "ben" },
    {
      type: "unread_counts",
      places: [{ room: "lab", unread: 0, mentions: 0, last_id: 4, read_id: 4 }],
    },
    {
      type: "ack",
      rid: "a1",
      id: 43,
      ts: TS,
      event: { type: "message", id: 43, ts: TS, room: "lobby", from: "ada", text: "hi" },
    },
  ];
  for (const message of chatter) {
    assertEquals(toDisplayEvent(message), undefined, JSON.stringify(message));
  }
});

Deno.test("toDisplayEvent() is tested with every server message type", () => {
  // Answers to requests that the client that made them shows itself (`chat invite`, the web
  // page's Invite dialog) are plumbing here too.
  const plumbing = [
    ...["ping", "pong", "ack", "upload_ready", "download_ready", "download_end"],
    ...["invite_created", "link_code_created", "download_link_created"],
    // Kept by the client's own state (counts, markers, who is typing), not lines.
    ...["read_marker", "typing"],
  ];
  const covered = new Set([...MAPPINGS.map(({ message }) => message.type), ...plumbing]);
  assertEquals(SERVER_MESSAGE_TYPES.filter((type) => !covered.has(type)), []);
});
