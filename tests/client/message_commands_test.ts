import { assertEquals } from "@std/assert";
import { type Input, parseInput } from "../../src/client/mod.ts";

const CASES: { line: string; input: Input }[] = [
  { line: "/reply 12 sure", input: { kind: "reply", id: 12, text: "sure" } },
  { line: "/reply #12  see  you ", input: { kind: "reply", id: 12, text: "see  you" } },
  { line: "/REPLY 3 👍", input: { kind: "reply", id: 3, text: "👍" } },
  { line: "/react 12 👍", input: { kind: "react", id: 12, emoji: "👍" } },
  { line: "/react #12 :+1:", input: { kind: "react", id: 12, emoji: ":+1:" } },
  { line: "/react 12 🇫🇷", input: { kind: "react", id: 12, emoji: "🇫🇷" } },
  { line: "/react 12 -👍", input: { kind: "react", id: 12, emoji: "👍", remove: true } },
  { line: "/react 12 -:tada:", input: { kind: "react", id: 12, emoji: ":tada:", remove: true } },
  { line: "/unreact #7 🎉", input: { kind: "react", id: 7, emoji: "🎉", remove: true } },
  { line: "/edit fixed it", input: { kind: "edit", text: "fixed it" } },
  { line: "/edit 12 fixed it", input: { kind: "edit", id: 12, text: "fixed it" } },
  { line: "/edit #12  fixed ", input: { kind: "edit", id: 12, text: "fixed" } },
  { line: "/edit 0 apples", input: { kind: "edit", text: "0 apples" } },
  { line: "/edit 12abc", input: { kind: "edit", text: "12abc" } },
  { line: "/delete", input: { kind: "delete" } },
  { line: "/delete 12", input: { kind: "delete", id: 12 } },
  { line: "/delete #12 ", input: { kind: "delete", id: 12 } },
  { line: "/ids on", input: { kind: "ids", on: true } },
  { line: "/ids off", input: { kind: "ids", on: false } },
  { line: "/search zebrafish", input: { kind: "search", text: "zebrafish" } },
  { line: "/search привет мир", input: { kind: "search", text: "привет мир" } },
  {
    line: "/search lunch in:lab from:ana",
    input: { kind: "search", text: "lunch", room: "lab", from: "ana" },
  },
  {
    line: "/search IN:#Lab lunch* FROM:Ana",
    input: { kind: "search", text: "lunch*", room: "Lab", from: "Ana" },
  },
  {
    line: '/search "in:lab is a phrase" from:ana',
    input: { kind: "search", text: '"in:lab is a phrase"', from: "ana" },
  },
  {
    line: "/search report before:#40",
    input: { kind: "search", text: "report", before: 40 },
  },
  { line: "/search 斑马鱼", input: { kind: "search", text: "斑马鱼" } },
];

Deno.test("parseInput() recognises every message command and its arguments", () => {
  for (const { line, input } of CASES) {
    assertEquals(parseInput(line), input, JSON.stringify(line));
  }
});

const USAGE_ERRORS: { line: string; usage: string }[] = [
  { line: "/reply", usage: "/reply ID TEXT" },
  { line: "/reply 12", usage: "/reply ID TEXT" },
  { line: "/reply twelve hi", usage: "/reply ID TEXT" },
  { line: "/reply 0 hi", usage: "/reply ID TEXT" },
  { line: "/react", usage: "/react ID EMOJI" },
  { line: "/react 12", usage: "/react ID EMOJI" },
  { line: "/react 12 -", usage: "/react ID EMOJI" },
  { line: "/react 👍", usage: "/react ID EMOJI" },
  { line: "/react 12 👍 🎉", usage: "/react ID EMOJI" },
  { line: "/unreact 12", usage: "/unreact ID EMOJI" },
  { line: "/edit", usage: "/edit [ID] TEXT" },
  { line: "/edit 12", usage: "/edit [ID] TEXT" },
  { line: "/edit #12 ", usage: "/edit [ID] TEXT" },
  { line: "/delete twelve", usage: "/delete [ID]" },
  { line: "/delete 12 13", usage: "/delete [ID]" },
  { line: "/ids", usage: "/ids on|off" },
  { line: "/ids yes", usage: "/ids on|off" },
  { line: "/search", usage: "/search TERMS [in:ROOM] [from:NICK]" },
  { line: "/search in:lab from:ana", usage: "/search TERMS [in:ROOM] [from:NICK]" },
];

Deno.test("parseInput() answers a message command with missing or wrong arguments with its usage", () => {
  for (const { line, usage } of USAGE_ERRORS) {
    const input = parseInput(line);
    assertEquals(input.kind, "invalid", JSON.stringify(line));
    const message = "message" in input ? input.message : "";
    assertEquals(message.startsWith(`Usage: ${usage}`), true, `${line}: ${message}`);
  }
});
