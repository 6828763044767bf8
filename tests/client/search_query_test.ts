import { assertEquals } from "@std/assert";
import { parseSearchQuery, type SearchQuery } from "../../src/client/search_query.ts";

Deno.test("parseSearchQuery() turns in:, with: and from: into fields and keeps the rest as words", () => {
  const cases: [string, SearchQuery][] = [
    ["deploy", { text: "deploy" }],
    ["  two   words ", { text: "two words" }],
    ["deploy in:ops", { text: "deploy", room: "ops" }],
    ["in:#ops deploy", { text: "deploy", room: "ops" }],
    ["from:@ana lunch", { text: "lunch", from: "ana" }],
    ["FROM:Ana IN:Ops lunch", { text: "lunch", room: "Ops", from: "Ana" }],
    ["with:ben tickets", { text: "tickets", with: "ben" }],
    ["in:a in:b x", { text: "x", room: "b" }],
    ["in:ops", { text: "", room: "ops" }],
    ["caf* 斑马鱼", { text: "caf* 斑马鱼" }],
  ];
  for (const [typed, expected] of cases) assertEquals(parseSearchQuery(typed), expected, typed);
});

Deno.test("parseSearchQuery() keeps phrases whole, filters inside them included", () => {
  const cases: [string, SearchQuery][] = [
    ['"release notes" in:ops', { text: '"release notes"', room: "ops" }],
    ['"see in:ops now"', { text: '"see in:ops now"' }],
    ['"unfinished phrase in:ops', { text: '"unfinished phrase in:ops' }],
    ["in: alone", { text: "in: alone" }],
  ];
  for (const [typed, expected] of cases) assertEquals(parseSearchQuery(typed), expected, typed);
});
