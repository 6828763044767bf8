import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { MAX_NAME_CHARS, nickKey, nickProblem, normalizeRoom } from "../../src/protocol/names.ts";

const VALID_NAMES = [
  "alice",
  "Zoë",
  "Zoe\u0308",
  "José",
  "مريم",
  "日本語",
  "नमस्ते",
  "Ålborg",
  "a.b-c_d",
  "_x",
  "x_",
  "a.",
  "a-",
  "7",
  "42isanumber",
  "a".repeat(MAX_NAME_CHARS),
  "日".repeat(MAX_NAME_CHARS),
  "\u{1D49C}".repeat(MAX_NAME_CHARS),
];

const INVALID_NAMES: { name: string; value: string }[] = [
  { name: "empty", value: "" },
  { name: "33 characters", value: "a".repeat(MAX_NAME_CHARS + 1) },
  { name: "33 CJK characters", value: "日".repeat(MAX_NAME_CHARS + 1) },
  { name: "a space", value: "a b" },
  { name: "a leading space", value: " alice" },
  { name: "a trailing space", value: "alice " },
  { name: "an @", value: "alice@home" },
  { name: "only an @", value: "@" },
  { name: "an emoji", value: "bob👋" },
  { name: "only an emoji", value: "👋" },
  { name: "a leading -", value: "-alice" },
  { name: "a leading .", value: ".alice" },
  { name: "a leading combining mark", value: "\u0308a" },
  { name: "a control character", value: "a\u0007b" },
  { name: "a tab", value: "a\tb" },
  { name: "a newline", value: "alice\n" },
  { name: "a NUL", value: "a\u0000" },
  { name: "a zero-width joiner", value: "a\u200db" },
  { name: "a slash", value: "a/b" },
  { name: "a backslash", value: "a\\b" },
  { name: "a #", value: "#lobby" },
  { name: "a colon", value: "a:b" },
  { name: "a quote", value: 'a"b' },
];

Deno.test("nickProblem() accepts letters of any script, digits, _ - and . up to 32 characters", () => {
  for (const nick of VALID_NAMES) {
    assertEquals(nickProblem(nick), undefined, JSON.stringify(nick));
  }
});

Deno.test("nickProblem() explains why a nick breaks the rules", () => {
  for (const { name, value } of INVALID_NAMES) {
    const problem = nickProblem(value) ?? "";
    assert(problem.startsWith("Nick") && problem.endsWith("."), `a nick with ${name}: ${problem}`);
  }
});

Deno.test("nickProblem() counts characters, not UTF-16 code units", () => {
  const astral = "\u{1D49C}";
  assertEquals(nickProblem(astral.repeat(MAX_NAME_CHARS)), undefined);
  assert(nickProblem(astral.repeat(MAX_NAME_CHARS + 1))?.includes("33 characters"));
});

Deno.test("nickKey() is the same for nicks that differ only in case or composition", () => {
  const cases = [
    ["alice", "Alice", "ALICE", "aLiCe"],
    ["Zoë", "ZOË", "zoe\u0308", "ZOE\u0308"],
    ["José", "JOSÉ"],
    ["Ålborg", "ÅLBORG", "A\u030alborg"],
  ];
  for (const spellings of cases) {
    const keys = new Set(spellings.map(nickKey));
    assertEquals(keys.size, 1, spellings.join(", "));
  }
});

Deno.test("nickKey() keeps different nicks apart", () => {
  const cases = [["alice", "alice_"], ["zoe", "zoë"], ["a.b", "a-b"], ["مريم", "مريمم"]];
  for (const [a, b] of cases) {
    assertNotEquals(nickKey(a), nickKey(b), `${a} / ${b}`);
  }
});

Deno.test("normalizeRoom() drops a leading # and lowercases", () => {
  const cases = [
    { input: "lobby", room: "lobby" },
    { input: "#lobby", room: "lobby" },
    { input: "#Lab-2", room: "lab-2" },
    { input: "LOBBY", room: "lobby" },
    { input: "#Zoë", room: "zoë" },
    { input: "Zoe\u0308", room: "zoë" },
    { input: "日本語", room: "日本語" },
  ];
  for (const { input, room } of cases) {
    assertEquals(normalizeRoom(input), { room, problem: undefined }, input);
  }
});

Deno.test("normalizeRoom() reports a room name that breaks the rules", () => {
  const cases = ["", "#", "##lobby", "my room", "a/b", "-x", "#.x", "a".repeat(MAX_NAME_CHARS + 1)];
  for (const input of cases) {
    const { problem } = normalizeRoom(input);
    assert(problem?.startsWith("Room name"), `${JSON.stringify(input)}: ${problem}`);
  }
});

Deno.test("normalizeRoom() allows 32 characters after the # is dropped", () => {
  const name = "r".repeat(MAX_NAME_CHARS);
  assertEquals(normalizeRoom(`#${name}`), { room: name, problem: undefined });
});
