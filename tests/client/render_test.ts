import { assert, assertEquals, assertNotEquals, assertStrictEquals } from "@std/assert";
import * as colors from "@std/fmt/colors";
import { type DisplayEvent, nickColor, renderLine } from "../../src/client/mod.ts";

colors.setColorEnabled(false);

/** 09:30 local time, so the rendered clock does not depend on the machine's time zone. */
const TS = new Date(2026, 10, 21, 9, 30, 15).toISOString();
const SAME_DAY = new Date(2026, 10, 21, 18, 0);
const NEXT_DAY = new Date(2026, 10, 22, 8, 0);

const LINES: { name: string; event: DisplayEvent; now?: Date; line: string }[] = [
  {
    name: "a message",
    event: { type: "message", from: "ada", text: "hi bob 👋", ts: TS, room: "lobby" },
    line: "09:30 <ada> hi bob 👋",
  },
  {
    name: "your own message",
    event: { type: "message", from: "bob", text: "hi ada", ts: TS },
    line: "09:30 <bob> hi ada",
  },
  {
    name: "a message from another day",
    event: { type: "message", from: "ada", text: "hi", ts: TS },
    now: NEXT_DAY,
    line: "2026-11-21 09:30 <ada> hi",
  },
  {
    name: "a message without a time",
    event: { type: "message", from: "ada", text: "hi" },
    line: "<ada> hi",
  },
  {
    name: "an action",
    event: { type: "action", from: "ada", text: "waves", ts: TS },
    line: "09:30 * ada waves",
  },
  {
    name: "a private message to you",
    event: { type: "private", from: "ada", to: "bob", text: "psst", ts: TS },
    line: "09:30 [private from ada] psst",
  },
  {
    name: "a private message from you",
    event: { type: "private", from: "bob", to: "ada", text: "psst", ts: TS },
    line: "09:30 [private to ada] psst",
  },
  {
    name: "a notice",
    event: { type: "notice", event: "join", from: "ada", text: "ada joined lobby", ts: TS },
    line: "09:30 -- ada joined lobby",
  },
  {
    name: "an error",
    event: { type: "error", code: "no_such_user", text: "No user named zed is connected." },
    line: "! No user named zed is connected.",
  },
  {
    name: "a system line",
    event: { type: "system", event: "joined", text: "You are in lobby with ada, bob." },
    line: "-- You are in lobby with ada, bob.",
  },
  {
    name: "a file line",
    event: { type: "file", text: "ada offers notes.txt (12 kB)." },
    line: "-- ada offers notes.txt (12 kB).",
  },
  {
    name: "a history message",
    event: { type: "message", from: "ada", text: "earlier", ts: TS, history: true },
    line: "│ 09:30 <ada> earlier",
  },
  {
    name: "a history action",
    event: { type: "action", from: "ada", text: "waved", ts: TS, history: true },
    line: "│ 09:30 * ada waved",
  },
  {
    name: "a history notice",
    event: { type: "notice", from: "ada", text: "ada left lobby", ts: TS, history: true },
    line: "│ 09:30 -- ada left lobby",
  },
];

for (const { name, event, now, line } of LINES) {
  Deno.test(`renderLine() renders ${name}`, () => {
    assertEquals(renderLine(event, { self: "bob", now: now ?? SAME_DAY }), line);
  });
}

const HOSTILE: { name: string; event: DisplayEvent; line: string }[] = [
  {
    name: "a nick",
    event: { type: "message", from: "ev\x1b[2Jil", text: "hi", ts: TS },
    line: "09:30 <ev\\x1b[2Jil> hi",
  },
  {
    // A message may have several lines: the later ones are indented, so none passes for a line
    // of its own.
    name: "a message text",
    event: { type: "message", from: "ada", text: "hi\r\n<bob> fake\x1b]0;pwned\x07\r", ts: TS },
    line: "09:30 <ada> hi\n    <bob> fake\\x1b]0;pwned\\x07\\x0d",
  },
  {
    name: "an action",
    event: { type: "action", from: "ad\u202ea", text: "\u009b2J", ts: TS },
    line: "09:30 * ad\\u{202e}a \\x9b2J",
  },
  {
    name: "a private recipient",
    event: { type: "private", from: "bob", to: "a\x1bda", text: "x\x08", ts: TS },
    line: "09:30 [private to a\\x1bda] x\\x08",
  },
  {
    name: "a notice",
    event: { type: "notice", from: "ada", text: "ada\x1b[A joined", ts: TS },
    line: "09:30 -- ada\\x1b[A joined",
  },
  {
    name: "an error",
    event: { type: "error", text: "bad\x1b[2J" },
    line: "! bad\\x1b[2J",
  },
];

for (const { name, event, line } of HOSTILE) {
  Deno.test(`renderLine() escapes control characters in ${name}`, () => {
    assertEquals(renderLine(event, { self: "bob", now: SAME_DAY }), line);
  });
}

Deno.test("renderLine() emits no escape sequence but its own colours when colour is on", () => {
  colors.setColorEnabled(true);
  try {
    const events: DisplayEvent[] = [
      { type: "message", from: "ev\x1b[2Jil", text: "\x1b]0;t\x07\x1b[31m", ts: TS },
      { type: "private", from: "ada", to: "bob", text: "\u009b2J", ts: TS },
      { type: "message", from: "ada", text: "old\x1b[2J", ts: TS, history: true },
    ];
    for (const event of events) {
      const line = renderLine(event, { self: "bob", now: SAME_DAY });
      // Removes exactly the SGR colour codes that @std/fmt/colors writes, nothing else.
      // deno-lint-ignore no-control-regex
      const withoutColours = line.replace(/\x1b\[\d+(;\d+)*m/g, "");
      assertEquals(withoutColours.includes("\x1b"), false, JSON.stringify(line));
      assertNotEquals(line, withoutColours, "the line is coloured");
    }
  } finally {
    colors.setColorEnabled(false);
  }
});

Deno.test("renderLine() dims a history line instead of colouring its nick", () => {
  colors.setColorEnabled(true);
  try {
    const event: DisplayEvent = {
      type: "message",
      from: "ada",
      text: "old",
      ts: TS,
      history: true,
    };
    assertEquals(
      renderLine(event, { self: "bob", now: SAME_DAY }),
      colors.dim("│ 09:30 <ada> old"),
    );
  } finally {
    colors.setColorEnabled(false);
  }
});

Deno.test("nickColor() gives a nick the same colour on every run, whatever its case", () => {
  const cases = [
    { nicks: ["ada", "Ada", "ADA"], paint: colors.brightGreen },
    { nicks: ["bob", "BOB"], paint: colors.brightYellow },
    { nicks: ["carol", "Carol"], paint: colors.yellow },
    { nicks: ["Zoë", "zoë", "ZOË"], paint: colors.blue },
    { nicks: ["مريم"], paint: colors.brightMagenta },
  ];
  for (const { nicks, paint } of cases) {
    for (const nick of nicks) assertStrictEquals(nickColor(nick), paint, nick);
  }
});

Deno.test("nickColor() spreads nicks over many colours", () => {
  const paints = new Set(Array.from({ length: 100 }, (_, i) => nickColor(`user${i}`)));
  assert(paints.size >= 8, `${paints.size} colours for 100 nicks`);
});

Deno.test("renderLine() makes a line that mentions you bold, with each @you in reverse video", () => {
  colors.setColorEnabled(true);
  try {
    const event: DisplayEvent = {
      type: "message",
      from: "ada",
      text: "@Bob look, @bobby and @bob.",
      ts: TS,
      mention: true,
    };
    assertEquals(
      renderLine(event, { self: "bob", now: SAME_DAY }),
      colors.bold(
        `${colors.gray("09:30")} <${nickColor("ada")("ada")}> ${colors.inverse("@Bob")} look, ` +
          `@bobby and ${colors.inverse("@bob.")}`,
      ),
    );
  } finally {
    colors.setColorEnabled(false);
  }
});

Deno.test("renderLine() shows a mention as plain text without colour, and dims it in history", () => {
  const event: DisplayEvent = { type: "action", from: "ada", text: "pokes @bob", ts: TS };
  assertEquals(
    renderLine({ ...event, mention: true }, { self: "bob", now: SAME_DAY }),
    "09:30 * ada pokes @bob",
  );
  colors.setColorEnabled(true);
  try {
    assertEquals(
      renderLine({ ...event, mention: true, history: true }, { self: "bob", now: SAME_DAY }),
      colors.dim("│ 09:30 * ada pokes @bob"),
    );
  } finally {
    colors.setColorEnabled(false);
  }
});

Deno.test("renderLine() shows /mentions one message a line, with room and time, escaped", () => {
  const event: DisplayEvent = {
    type: "system",
    event: "mentions",
    text: "Mentions of you (the newest 2): …",
    more: true,
    mentions: [
      { type: "message", id: 7, ts: TS, room: "lab", from: "ada", text: "@bob look\x1b[2J" },
      { type: "action", id: 9, ts: TS, room: "lobby", from: "cy", text: "waves at @bob" },
    ],
  };
  assertEquals(renderLine(event, { self: "bob", now: SAME_DAY }).split("\n"), [
    "-- Mentions of you, the newest 2:",
    "   09:30 lab <ada> @bob look\\x1b[2J",
    "   09:30 lobby * cy waves at @bob",
  ]);
  const none: DisplayEvent = { ...event, mentions: [], text: "Nobody has mentioned you yet." };
  assertEquals(renderLine(none, { self: "bob" }), "-- Nobody has mentioned you yet.");
});

Deno.test("renderLine() reverses your @nick in /mentions", () => {
  colors.setColorEnabled(true);
  try {
    const event: DisplayEvent = {
      type: "system",
      event: "mentions",
      text: "",
      mentions: [{ type: "message", id: 7, ts: TS, room: "lab", from: "ada", text: "hi @bob" }],
    };
    const row = renderLine(event, { self: "bob", now: SAME_DAY }).split("\n")[1];
    assert(row.endsWith(`hi ${colors.inverse("@bob")}`), JSON.stringify(row));
  } finally {
    colors.setColorEnabled(false);
  }
});

Deno.test("renderLine() shows the audit log and the bans one entry a line, sanitised", () => {
  const ts = "2026-11-21T09:30:00.000Z";
  assertEquals(
    renderLine({
      type: "system",
      event: "audit",
      text: "",
      more: true,
      entries: [
        { id: 2, ts, by: "ana", action: "ban", nick: "bo", reason: "spam\x1b[2J" },
        { id: 1, ts, by: "host", action: "op", nick: "ana" },
      ],
    }, { self: "ana" }),
    [
      "-- Audit log, the newest 2:",
      "   2026-11-21 09:30 ana ban bo (spam\\x1b[2J)",
      "   2026-11-21 09:30 host op ana",
    ].join("\n"),
  );
  assertEquals(
    renderLine({
      type: "system",
      event: "bans",
      text: "",
      bans: [{ address: "192.168.1.7", by: "ana", ts, until: "2026-11-22T09:30:00.000Z" }],
    }, { self: "ana" }),
    "-- Bans in force:\n   192.168.1.7, by ana since 2026-11-21 09:30, until 2026-11-22 09:30",
  );
  // An empty list is its sentence.
  assertEquals(
    renderLine({ type: "system", event: "bans", text: "Nobody is banned.", bans: [] }, {
      self: "ana",
    }),
    "-- Nobody is banned.",
  );
});
