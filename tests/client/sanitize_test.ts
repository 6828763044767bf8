import { assert, assertEquals } from "@std/assert";
import { sanitize } from "../../src/client/mod.ts";

const ESCAPED: { name: string; input: string; output: string }[] = [
  { name: "a clear-screen sequence", input: "hi\x1b[2J", output: "hi\\x1b[2J" },
  { name: "a colour sequence", input: "\x1b[31mred\x1b[0m", output: "\\x1b[31mred\\x1b[0m" },
  { name: "a window-title sequence", input: "\x1b]0;title\x07", output: "\\x1b]0;title\\x07" },
  { name: "a carriage return", input: "safe\rfake", output: "safe\\x0dfake" },
  { name: "a backspace", input: "rm\b\bok", output: "rm\\x08\\x08ok" },
  { name: "a newline", input: "line\n<bob> fake", output: "line\\x0a<bob> fake" },
  { name: "a NUL", input: "a\x00b", output: "a\\x00b" },
  { name: "a bell", input: "\x07", output: "\\x07" },
  { name: "DEL", input: "a\x7f", output: "a\\x7f" },
  { name: "a C1 CSI", input: "\u009b2J", output: "\\x9b2J" },
  { name: "a C1 OSC", input: "\u009d0;t\u009c", output: "\\x9d0;t\\x9c" },
  { name: "a right-to-left override", input: "abc\u202edcba", output: "abc\\u{202e}dcba" },
  { name: "a left-to-right embedding", input: "\u202ax", output: "\\u{202a}x" },
  { name: "a pop directional formatting", input: "x\u202c", output: "x\\u{202c}" },
  { name: "a right-to-left isolate", input: "\u2067x\u2069", output: "\\u{2067}x\\u{2069}" },
  { name: "a tab", input: "a\tb", output: "a b" },
];

for (const { name, input, output } of ESCAPED) {
  Deno.test(`sanitize() shows ${name} as a visible escape`, () => {
    assertEquals(sanitize(input), output);
  });
}

/** Characters a terminal acts on instead of printing. */
function unsafeChars(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.codePointAt(0)!;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
  });
}

Deno.test("sanitize() leaves no C0, DEL, C1 or bidi control character in its output", () => {
  const controls = [
    ...Array.from({ length: 0xa0 }, (_, code) => String.fromCharCode(code)),
    ..."\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
  ];
  for (const char of controls) {
    const output = sanitize(`<${char}>`);
    assertEquals(unsafeChars(output), [], `U+${char.charCodeAt(0).toString(16)}`);
  }
  const all = sanitize(controls.join(""));
  assertEquals(unsafeChars(all), []);
  assert(all.length > controls.length, "control characters became longer escapes");
});

Deno.test("sanitize() leaves printable text of any script untouched", () => {
  const cases = [
    "hello, world",
    "emoji 👋🏽 and a family 👨‍👩‍👧",
    "مرحبا بالعالم",
    "שלום",
    "e\u0301 and Zoe\u0308 and a\u0323\u0302",
    "日本語のテキスト",
    "नमस्ते",
    "non\u00a0breaking and «quotes» and ±½",
    "a backslash \\x1b stays a backslash",
    "",
  ];
  for (const text of cases) {
    assertEquals(sanitize(text), text, text);
  }
});
