import { assertEquals } from "@std/assert";
import * as colors from "@std/fmt/colors";
import { parseMarkdown, renderAnsi } from "../../../src/client/markdown/mod.ts";

/** Renders `text` with colour on or off, putting the setting back after. */
function render(text: string, color: boolean, paint?: (text: string) => string): string[] {
  const was = colors.getColorEnabled();
  colors.setColorEnabled(color);
  try {
    return renderAnsi(parseMarkdown(text), { paint });
  } finally {
    colors.setColorEnabled(was);
  }
}

const CASES: { text: string; color: string[]; plain: string[] }[] = [
  { text: "hi", color: ["hi"], plain: ["hi"] },
  {
    text: "**b** *i* ~~s~~ `c`",
    color: ["\x1b[1mb\x1b[22m \x1b[3mi\x1b[23m \x1b[9ms\x1b[29m \x1b[2mc\x1b[22m"],
    plain: ["**b** *i* ~~s~~ `c`"],
  },
  { text: "__b__ _i_", color: ["\x1b[1mb\x1b[22m \x1b[3mi\x1b[23m"], plain: ["__b__ _i_"] },
  {
    text: "[docs](https://example.org) https://x.org",
    color: ["\x1b[4mdocs\x1b[24m <https://example.org/> \x1b[4mhttps://x.org\x1b[24m"],
    plain: ["docs <https://example.org/> https://x.org"],
  },
  { text: "one\ntwo", color: ["one", "two"], plain: ["one", "two"] },
  {
    text: "```\n  if (a) {\n\tb();\n```",
    color: ["      if (a) {", "     b();"],
    plain: ["      if (a) {", "     b();"],
  },
  {
    text: "> said\n> > before",
    color: ["\x1b[90m│\x1b[39m said", "\x1b[90m│\x1b[39m \x1b[90m│\x1b[39m before"],
    plain: ["│ said", "│ │ before"],
  },
  { text: "- a\n- b", color: ["• a", "• b"], plain: ["• a", "• b"] },
  { text: "9. a\n10. b", color: ["9. a", "10. b"], plain: ["9. a", "10. b"] },
  {
    text: "**\x1b[2J** `\x1b]0;t\x07`",
    color: ["\x1b[1m\\x1b[2J\x1b[22m \x1b[2m\\x1b]0;t\\x07\x1b[22m"],
    plain: ["**\\x1b[2J** `\\x1b]0;t\\x07`"],
  },
];

for (const { text, color, plain } of CASES) {
  Deno.test(`renderAnsi() renders ${JSON.stringify(text)} with colour`, () => {
    assertEquals(render(text, true), color);
  });
  Deno.test(`renderAnsi() renders ${JSON.stringify(text)} without colour (NO_COLOR)`, () => {
    assertEquals(render(text, false), plain);
  });
}

Deno.test("renderAnsi() paints plain text only, never code", () => {
  assertEquals(render("@ana `@ana` **@ana**", false, (text) => text.toUpperCase()), [
    "@ANA `@ana` **@ANA**",
  ]);
});
