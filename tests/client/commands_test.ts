import { assert, assertEquals } from "@std/assert";
import {
  COMMANDS,
  HELP,
  helpText,
  HOST_COMMANDS,
  type Input,
  parseInput,
} from "../../src/client/mod.ts";

const CASES: { line: string; input: Input }[] = [
  { line: "/me waves", input: { kind: "me", text: "waves" } },
  { line: "/me   waves  hello ", input: { kind: "me", text: "waves  hello" } },
  { line: "/ME shouts", input: { kind: "me", text: "shouts" } },
  { line: "/msg bob hi there", input: { kind: "msg", to: "bob", text: "hi there" } },
  { line: "/msg  bob   hi  there ", input: { kind: "msg", to: "bob", text: "hi  there" } },
  { line: "/msg Zoë 👋", input: { kind: "msg", to: "Zoë", text: "👋" } },
  { line: "/join lab", input: { kind: "join", room: "lab" } },
  { line: "/join #Lab", input: { kind: "join", room: "#Lab" } },
  { line: "/join staff s3cret", input: { kind: "join", room: "staff", passkey: "s3cret" } },
  { line: "/Join lab ", input: { kind: "join", room: "lab" } },
  { line: "/nick ada", input: { kind: "nick", nick: "ada" } },
  { line: "/nick  ada ", input: { kind: "nick", nick: "ada" } },
  { line: "/who", input: { kind: "who" } },
  { line: "/WHO", input: { kind: "who" } },
  { line: "/rooms", input: { kind: "rooms" } },
  { line: "/info", input: { kind: "info" } },
  { line: "/help", input: { kind: "help" } },
  { line: "/quit", input: { kind: "quit" } },
  { line: "/quit now", input: { kind: "quit" } },
  { line: "/history", input: { kind: "history" } },
  { line: "/history ", input: { kind: "history" } },
  { line: "/history 20", input: { kind: "history", limit: 20 } },
  { line: "/history  5 ", input: { kind: "history", limit: 5 } },
  { line: "/file", input: { kind: "upload" } },
  { line: "/file ~/slides.pdf", input: { kind: "upload", path: "~/slides.pdf" } },
  { line: "/send  my report.pdf ", input: { kind: "upload", path: "my report.pdf" } },
  { line: "/files", input: { kind: "files" } },
  { line: "/get 12", input: { kind: "get", id: 12 } },
  { line: "/get 12 ~/Downloads", input: { kind: "get", id: 12, dir: "~/Downloads" } },
  { line: "/query ben", input: { kind: "query", nick: "ben" } },
  { line: "/query", input: { kind: "query" } },
  { line: "/mentions", input: { kind: "mentions" } },
  { line: "/away", input: { kind: "away" } },
  { line: "/away  at lunch ", input: { kind: "away", text: "at lunch" } },
  { line: "/back", input: { kind: "back" } },
];

Deno.test("parseInput() recognises every command and its arguments", () => {
  for (const { line, input } of CASES) {
    assertEquals(parseInput(line), input, JSON.stringify(line));
  }
});

const USAGE_ERRORS: { line: string; usage: string }[] = [
  { line: "/me", usage: "/me TEXT" },
  { line: "/me   ", usage: "/me TEXT" },
  { line: "/msg", usage: "/msg NICK TEXT" },
  { line: "/msg bob", usage: "/msg NICK TEXT" },
  { line: "/msg bob   ", usage: "/msg NICK TEXT" },
  { line: "/join", usage: "/join ROOM [PASSKEY]" },
  { line: "/join lab key extra", usage: "/join ROOM [PASSKEY]" },
  { line: "/nick", usage: "/nick NEW" },
  { line: "/nick two words", usage: "/nick NEW" },
  { line: "/history 0", usage: "/history [N], where N is a positive whole number" },
  { line: "/history -3", usage: "/history [N], where N is a positive whole number" },
  { line: "/history 2.5", usage: "/history [N], where N is a positive whole number" },
  { line: "/history many", usage: "/history [N], where N is a positive whole number" },
  { line: "/history 5 10", usage: "/history [N], where N is a positive whole number" },
  { line: "/get", usage: "/get ID [DIR], where ID is the number shown with the file" },
  { line: "/get 0", usage: "/get ID [DIR], where ID is the number shown with the file" },
  { line: "/get twelve", usage: "/get ID [DIR], where ID is the number shown with the file" },
  { line: "/get 12 a b", usage: "/get ID [DIR], where ID is the number shown with the file" },
  { line: "/query ben cy", usage: "/query NICK, or /query alone to go back to the room" },
];

Deno.test("parseInput() answers a command with missing or extra arguments with its usage", () => {
  for (const { line, usage } of USAGE_ERRORS) {
    assertEquals(
      parseInput(line),
      { kind: "invalid", message: `Usage: ${usage}` },
      JSON.stringify(line),
    );
  }
});

Deno.test("parseInput() names an unknown command and points to /help", () => {
  const cases = [
    { line: "/dance", command: "dance" },
    { line: "/DANCE now", command: "dance" },
    { line: "/msgbob hi", command: "msgbob" },
    { line: "/", command: "" },
    { line: "/ hello", command: "" },
  ];
  for (const { line, command } of cases) {
    assertEquals(parseInput(line), {
      kind: "invalid",
      message: `Unknown command /${command}; type /help for the list of commands.`,
    }, JSON.stringify(line));
  }
});

Deno.test("parseInput() sends a line starting with // as text with one slash removed", () => {
  const cases = [
    { line: "//me is not a command", text: "/me is not a command" },
    { line: "//", text: "/" },
    { line: "///", text: "//" },
    { line: "// spaced", text: "/ spaced" },
  ];
  for (const { line, text } of cases) {
    assertEquals(parseInput(line), { kind: "say", text }, JSON.stringify(line));
  }
});

Deno.test("parseInput() sends other text unchanged, spaces included", () => {
  const cases = ["hello", "  indented", "trailing  ", "a / b", " /not a command", "👋 مرحبا"];
  for (const line of cases) {
    assertEquals(parseInput(line), { kind: "say", text: line }, JSON.stringify(line));
  }
});

Deno.test("parseInput() ignores an empty or blank line", () => {
  for (const line of ["", " ", "\t", "   \t  "]) {
    assertEquals(parseInput(line), { kind: "empty" }, JSON.stringify(line));
  }
});

const KNOWN = [
  "help",
  "who",
  "info",
  "nick",
  "msg",
  "me",
  "join",
  "rooms",
  "history",
  "file",
  "files",
  "get",
  "quit",
  "query",
  "mentions",
  "away",
  "back",
  "reply",
  "react",
  "unreact",
  "edit",
  "delete",
  "ids",
  "search",
];

Deno.test("helpText() lists every command parseInput() knows, for the terminal and the browser", () => {
  for (const audience of ["terminal", "browser"] as const) {
    const help = helpText(audience);
    for (const command of KNOWN) {
      assert(new RegExp(`^/${command}\\b`, "m").test(help), `${audience}: /${command}`);
      const input = parseInput(`/${command}`);
      assert(!("message" in input) || input.message.startsWith("Usage:"), command);
    }
    assert(help.includes("//text"), audience);
    assertEquals(help.split("\n").length, COMMANDS.length + 2 + HOST_COMMANDS.length, audience);
  }
  assertEquals(HELP, helpText("terminal"));
});

Deno.test("helpText() gives the browser its own words where a command differs there", () => {
  const browser = helpText("browser");
  assert(browser.includes("/file               choose files"), browser);
  assert(browser.includes("/get ID             download file ID, checked by SHA-256"), browser);
  assert(!browser.includes("PATH") && !browser.includes("DIR"), browser);
  assert(HELP.includes("/file PATH") && HELP.includes("/get ID [DIR]"), HELP);
});
