import { assertEquals } from "@std/assert";
import { sentence } from "../../src/client/sentence.ts";

Deno.test("sentence() ends a text with one mark, never two", () => {
  const cases: [string, string][] = [
    [
      'Could not connect: refused. Is "chat serve" running there?',
      'Could not connect: refused. Is "chat serve" running there?',
    ],
    ["The connection was lost.", "The connection was lost."],
    ["The connection was lost", "The connection was lost."],
    ["Stop!", "Stop!"],
    ["  trailing space  ", "trailing space."],
  ];
  for (const [text, expected] of cases) assertEquals(sentence(text), expected, text);
});
