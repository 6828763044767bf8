import { assert, assertEquals } from "@std/assert";
import { helpText, type Input, parseInput } from "../../src/client/mod.ts";

const host = (request: object): Input => ({ kind: "host", request } as Input);

const CASES: { line: string; input: Input }[] = [
  { line: "/op ana", input: host({ type: "op", nick: "ana" }) },
  { line: "/DEOP  ana ", input: host({ type: "deop", nick: "ana" }) },
  { line: "/kick bo", input: host({ type: "kick", nick: "bo" }) },
  {
    line: "/kick bo  flooding the  room ",
    input: host({ type: "kick", nick: "bo", reason: "flooding the  room" }),
  },
  { line: "/ban bo", input: host({ type: "ban", nick: "bo" }) },
  { line: "/ban bo 10m", input: host({ type: "ban", nick: "bo", duration_s: 600 }) },
  {
    line: "/ban bo 2h spam links",
    input: host({ type: "ban", nick: "bo", duration_s: 7200, reason: "spam links" }),
  },
  {
    line: "/ban bo 1h30m",
    input: host({ type: "ban", nick: "bo", duration_s: 5400 }),
  },
  { line: "/ban bo spam", input: host({ type: "ban", nick: "bo", reason: "spam" }) },
  {
    line: "/ban bo -a 7d again",
    input: host({ type: "ban", nick: "bo", duration_s: 604_800, reason: "again", address: true }),
  },
  {
    line: "/ban bo 7d --address",
    input: host({ type: "ban", nick: "bo", duration_s: 604_800, address: true }),
  },
  // A second duration-like word is the reason: only the first is the time.
  {
    line: "/ban bo 1h 2h",
    input: host({ type: "ban", nick: "bo", duration_s: 3600, reason: "2h" }),
  },
  { line: "/unban bo", input: host({ type: "unban", nick: "bo" }) },
  { line: "/unban 192.168.1.7", input: host({ type: "unban", address: "192.168.1.7" }) },
  { line: "/unban fe80::1", input: host({ type: "unban", address: "fe80::1" }) },
  { line: "/bans", input: host({ type: "bans" }) },
  { line: "/mute bo", input: host({ type: "mute", nick: "bo" }) },
  {
    line: "/mute bo 15m calm down",
    input: host({ type: "mute", nick: "bo", duration_s: 900, reason: "calm down" }),
  },
  // -a is for bans only: in a mute it is the reason.
  { line: "/mute bo -a", input: host({ type: "mute", nick: "bo", reason: "-a" }) },
  { line: "/unmute bo", input: host({ type: "unmute", nick: "bo" }) },
  { line: "/audit", input: host({ type: "audit", limit: 20 }) },
  { line: "/audit 100", input: host({ type: "audit", limit: 100 }) },
  { line: "/topic", input: { kind: "topic" } },
  {
    line: "/topic Exam at 10:00 — no phones",
    input: host({ type: "topic", text: "Exam at 10:00 — no phones" }),
  },
  { line: "/topic -", input: host({ type: "topic", text: "" }) },
  { line: "/topic --clear", input: host({ type: "topic", text: "" }) },
  { line: "/room", input: { kind: "room" } },
  { line: "/room lab", input: { kind: "room", room: "lab" } },
  {
    line: "/room set news announce on",
    input: host({ type: "room_set", room: "news", announce: true }),
  },
  {
    line: "/room set news announce OFF",
    input: host({ type: "room_set", room: "news", announce: false }),
  },
  {
    line: "/room set staff passkey s3cret",
    input: host({ type: "room_set", room: "staff", passkey: "s3cret" }),
  },
  {
    line: "/room set staff passkey off",
    input: host({ type: "room_set", room: "staff", passkey: "" }),
  },
  { line: "/room set lab slow 10s", input: host({ type: "room_set", room: "lab", slow_s: 10 }) },
  { line: "/room set lab slow 2m", input: host({ type: "room_set", room: "lab", slow_s: 120 }) },
  { line: "/room set lab slow off", input: host({ type: "room_set", room: "lab", slow_s: 0 }) },
  { line: "/room set lab files off", input: host({ type: "room_set", room: "lab", files: false }) },
  { line: "/room set lab closed on", input: host({ type: "room_set", room: "lab", closed: true }) },
  { line: "/room close lab", input: host({ type: "room_set", room: "lab", closed: true }) },
  { line: "/room open lab", input: host({ type: "room_set", room: "lab", closed: false }) },
  { line: "/release bo", input: host({ type: "release", nick: "bo" }) },
  { line: "/devices bo", input: host({ type: "devices", nick: "bo" }) },
  { line: "/devices bo remove d7f3", input: host({ type: "devices", nick: "bo", remove: "d7f3" }) },
];

Deno.test("parseInput() turns each host control into the request the server is sent", () => {
  for (const { line, input } of CASES) {
    assertEquals(parseInput(line), input, JSON.stringify(line));
  }
});

const INVALID: { line: string; message: string }[] = [
  { line: "/op", message: "Usage: /op NICK" },
  { line: "/op ana bo", message: "Usage: /op NICK" },
  { line: "/kick", message: "Usage: /kick NICK [REASON]" },
  { line: "/ban", message: "Usage: /ban NICK [-a] [TIME] [REASON]" },
  { line: "/mute", message: "Usage: /mute NICK [TIME] [REASON]" },
  {
    line: "/ban bo 400d",
    message: "A ban lasts from 1s to 366d, not 400d; leave the time out for no end.",
  },
  { line: "/unban", message: "Usage: /unban NICK or /unban ADDRESS" },
  { line: "/unmute", message: "Usage: /unmute NICK" },
  { line: "/audit 0", message: "Usage: /audit [N], where N is a whole number from 1 to 500" },
  { line: "/audit lots", message: "Usage: /audit [N], where N is a whole number from 1 to 500" },
  { line: "/release", message: "Usage: /release NICK" },
  { line: "/devices", message: "Usage: /devices NICK [remove ID]" },
  { line: "/devices bo drop d7", message: "Usage: /devices NICK [remove ID]" },
  { line: "/room close", message: "Usage: /room close ROOM" },
  { line: "/room set lab announce maybe", message: "Usage: /room set ROOM announce on|off" },
  {
    line: "/room set lab slow 2h",
    message: "Slow mode takes a time from 1s to 1h, such as 10s, or off; not 2h.",
  },
  {
    line: "/room set lab colour red",
    message: "Unknown room setting colour; /room set ROOM announce on|off, passkey " +
      "SECRET|off, slow TIME|off, files on|off or closed on|off.",
  },
  {
    line: "/room set lab",
    message: "Usage: /room set ROOM announce on|off, passkey SECRET|off, slow TIME|off, " +
      "files on|off or closed on|off",
  },
];

Deno.test("parseInput() answers a malformed host control with one sentence", () => {
  for (const { line, message } of INVALID) {
    assertEquals(parseInput(line), { kind: "invalid", message }, JSON.stringify(line));
  }
});

Deno.test("helpText() lists the host controls for operators, in both clients", () => {
  for (const audience of ["terminal", "browser"] as const) {
    const help = helpText(audience);
    assert(help.includes("For operators"), audience);
    for (const command of ["op", "kick", "ban", "unban", "mute", "audit", "topic", "room"]) {
      assert(new RegExp(`^/${command}\\b`, "m").test(help), `${audience}: /${command}`);
    }
  }
});
