import { assertEquals } from "@std/assert";
import { commandHelp } from "../../src/cli/command_help.ts";

const FLAGS = { json: { kind: "boolean", help: "one JSON object per line" } } as const;

Deno.test("commandHelp() puts usage, description, options and epilogue apart", () => {
  const cases: { epilogue?: string; lines: string[] }[] = [
    {
      lines: [
        "Usage: chat files HOST[:PORT]",
        "",
        "Lists the files.",
        "",
        "Options:",
        "  --json          one JSON object per line",
        "  -h, --help      this help",
      ],
    },
    {
      epilogue: "The passkey comes from $CHAT_PASSKEY.",
      lines: [
        "Usage: chat files HOST[:PORT]",
        "",
        "Lists the files.",
        "",
        "Options:",
        "  --json          one JSON object per line",
        "  -h, --help      this help",
        "",
        "The passkey comes from $CHAT_PASSKEY.",
      ],
    },
  ];
  for (const { epilogue, lines } of cases) {
    const help = commandHelp({
      name: "files",
      usage: "HOST[:PORT]",
      description: "Lists the files.",
      flags: FLAGS,
      helpColumn: 18,
      epilogue,
    });
    assertEquals(help.split("\n"), lines, epilogue);
  }
});

const WORD = "abcdefghi"; // with its space, ten columns

const PROSE: { name: string; text: string; lines: string[] }[] = [
  {
    name: "lines of up to 82 columns",
    text: `${`${WORD} `.repeat(8)}ab ${WORD} ${WORD}`,
    lines: [`${`${WORD} `.repeat(8)}ab`, `${WORD} ${WORD}`],
  },
  {
    name: "a word that would reach the 83rd column goes to the next line",
    text: `${`${WORD} `.repeat(8)}abc ${WORD}`,
    lines: [`${`${WORD} `.repeat(7)}${WORD}`, `abc ${WORD}`],
  },
  {
    name: "line breaks and runs of spaces count as one space",
    text: `one\ntwo   three\n four`,
    lines: ["one two three four"],
  },
  {
    name: "paragraphs stay apart",
    text: "one\n\ntwo\n  \nthree",
    lines: ["one", "", "two", "", "three"],
  },
  {
    name: "a word longer than a line stands alone",
    text: `a ${"x".repeat(90)} b`,
    lines: ["a", "x".repeat(90), "b"],
  },
];

Deno.test("commandHelp() wraps the description and epilogue", () => {
  for (const { name, text, lines } of PROSE) {
    const help = commandHelp({
      name: "files",
      usage: "",
      description: text,
      flags: {},
      helpColumn: 18,
      epilogue: text,
    }).split("\n");
    assertEquals(help.slice(2, 2 + lines.length), lines, `description: ${name}`);
    assertEquals(help.slice(-lines.length), lines, `epilogue: ${name}`);
  }
});
