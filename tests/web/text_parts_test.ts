import { assertEquals } from "@std/assert";
import { type TextPart, textParts } from "../../web/list/text_parts.ts";

/** A link part whose href is the text as typed. */
function link(text: string, href = text): TextPart {
  return { kind: "link", text, href };
}

function text(text: string): TextPart {
  return { kind: "text", text };
}

Deno.test("textParts() turns http and https addresses into links and leaves the rest text", () => {
  const cases: [string, TextPart[]][] = [
    ["no address here", [text("no address here")]],
    ["https://example.org", [link("https://example.org", "https://example.org/")]],
    ["see http://10.0.0.2:7778/a?b=c&d#e now", [
      text("see "),
      link("http://10.0.0.2:7778/a?b=c&d#e"),
      text(" now"),
    ]],
    ["HTTPS://Example.org/X", [link("HTTPS://Example.org/X", "https://example.org/X")]],
    ["two: https://a.test/1 https://b.test/2", [
      text("two: "),
      link("https://a.test/1"),
      text(" "),
      link("https://b.test/2"),
    ]],
  ];
  for (const [input, expected] of cases) assertEquals(textParts(input, "ana"), expected, input);
});

Deno.test("textParts() leaves a sentence's punctuation and unopened brackets out of a link", () => {
  const cases: [string, TextPart[]][] = [
    ["look: https://example.org/a.", [text("look: "), link("https://example.org/a"), text(".")]],
    ["(see https://example.org/a)", [text("(see "), link("https://example.org/a"), text(")")]],
    ["https://en.wikipedia.org/wiki/Tor_(network)!", [
      link("https://en.wikipedia.org/wiki/Tor_(network)"),
      text("!"),
    ]],
    ['"https://example.org/q?x=1",', [text('"'), link("https://example.org/q?x=1"), text('",')]],
    ["<https://example.org/a>", [text("<"), link("https://example.org/a"), text(">")]],
  ];
  for (const [input, expected] of cases) assertEquals(textParts(input, "ana"), expected, input);
});

Deno.test("textParts() makes no link of other schemes, bare hosts or addresses inside words", () => {
  for (
    const input of [
      "javascript:alert(1)",
      "data:text/html,<b>x</b>",
      "file:///etc/passwd",
      "ftp://example.org/file",
      "www.example.org",
      "http://",
      "https://?x",
      "xhttps://example.org",
    ]
  ) {
    assertEquals(textParts(input, "ana").filter((part) => part.kind === "link"), [], input);
  }
});

Deno.test("textParts() marks @mentions, the reader's own as `you`, by the protocol's rule", () => {
  assertEquals(textParts("@ana and @ben, look", "ana"), [
    { kind: "mention", text: "@ana", you: true },
    text(" and "),
    { kind: "mention", text: "@ben", you: false },
    text(", look"),
  ]);
  assertEquals(textParts("thanks @Ana.", "ana"), [
    text("thanks "),
    { kind: "mention", text: "@Ana", you: true },
    text("."),
  ]);
  assertEquals(textParts("hi @anabel", "ana"), [
    text("hi "),
    { kind: "mention", text: "@anabel", you: false },
  ]);
  assertEquals(textParts("mail me@ana.example", "ana"), [text("mail me@ana.example")]);
});

Deno.test("textParts() keeps an @ inside an address part of the link", () => {
  assertEquals(textParts("@ana https://example.org/@ana", "ana"), [
    { kind: "mention", text: "@ana", you: true },
    text(" "),
    link("https://example.org/@ana"),
  ]);
});

Deno.test("textParts() parts put together give the text back", () => {
  for (
    const input of [
      "a https://x.test/(y) b @c. d",
      "@ana@ana https://x.test/a,b,,",
      "ü https://例え.jp/パス ok",
      "",
    ]
  ) {
    assertEquals(textParts(input, "ana").map((part) => part.text).join(""), input);
  }
});
