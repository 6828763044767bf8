import { assertEquals } from "@std/assert";
import { highlightParts } from "../../web/search/highlight_parts.ts";

/** The parts as a string with the matches in brackets. */
function marked(text: string, search: string): string {
  return highlightParts(text, search).map((part) => part.match ? `[${part.text}]` : part.text)
    .join("");
}

Deno.test("highlightParts() marks each term of the search, without case or accents", () => {
  const cases: [string, string, string][] = [
    ["nothing here", "deploy", "nothing here"],
    ["Deploy at noon, deploy again", "deploy", "[Deploy] at noon, [deploy] again"],
    ["Le Café ouvre", "cafe", "Le [Café] ouvre"],
    ["Le Cafe ouvre", "café", "Le [Cafe] ouvre"],
    ["release notes and notes", '"release notes"', "[release notes] and notes"],
    ["deployment done", "deploy*", "[deploy]ment done"],
    ["实验室的斑马鱼", "斑马鱼", "实验室的[斑马鱼]"],
    ["Привет мир", "привет", "[Привет] мир"],
    ["two words here", "here two", "[two] words [here]"],
    ["👍 ok", "ok", "👍 [ok]"],
    ["", "x", ""],
    ["text", "", "text"],
  ];
  for (const [text, search, expected] of cases) {
    assertEquals(marked(text, search), expected, `${text} / ${search}`);
  }
});

Deno.test("highlightParts() gives back the whole text, in order", () => {
  const text = "Ça a l'air ÉNORME, ça";
  const parts = highlightParts(text, "ca enorme");
  assertEquals(parts.map((part) => part.text).join(""), text);
  assertEquals(marked(text, "ca enorme"), "[Ça] a l'air [ÉNORME], [ça]");
});
