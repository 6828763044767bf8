import { assert, assertEquals } from "@std/assert";
import {
  type BlockNode,
  type InlineNode,
  MAX_INLINE_DEPTH,
  MAX_QUOTE_DEPTH,
  parseMarkdown,
} from "../../../src/client/markdown/mod.ts";
import { show } from "./_show.ts";

const CASES: { text: string; tree: string }[] = [
  { text: "plain words", tree: "<p>plain words</p>" },
  { text: "**bold** and __bold__", tree: "<p><strong>bold</strong> and <strong>bold</strong></p>" },
  { text: "*it* and _it_", tree: "<p><em>it</em> and <em>it</em></p>" },
  { text: "~~gone~~ ~not~ ~~~no~~~", tree: "<p><strike>gone</strike> ~not~ ~~~no~~~</p>" },
  { text: "`a *b*` ``x ` y``", tree: "<p><code>a *b*</code> <code>x ` y</code></p>" },
  { text: "` padded `", tree: "<p><code>padded</code></p>" },
  { text: "***a***", tree: "<p><em><strong>a</strong></em></p>" },
  { text: "***a**b*", tree: "<p><em><strong>a</strong>b</em></p>" },
  {
    text: "**_~~`x`~~_**",
    tree: "<p><strong><em><strike><code>x</code></strike></em></strong></p>",
  },
  // A closer takes what it can from the nearest openers, as CommonMark's closers do.
  { text: "**a *b** c*", tree: "<p><em><em>a <em>b</em></em> c</em></p>" },
  { text: "**unclosed _marks ~~here", tree: "<p>**unclosed _marks ~~here</p>" },
  { text: "snake_case_name and 2*3*4", tree: "<p>snake_case_name and 2<em>3</em>4</p>" },
  { text: "a * b * c", tree: "<p>a * b * c</p>" },
  { text: "\\*not em\\* \\`x\\`", tree: "<p>*not em* `x`</p>" },
  { text: "line one\nline **two**", tree: "<p>line one<br>line <strong>two</strong></p>" },
  {
    text: "[docs](https://example.org/a_(b)) and https://x.org/a_b_c.",
    tree: "<p><a https://example.org/a_(b)>docs</a> and " +
      "<a https://x.org/a_b_c>https://x.org/a_b_c</a>.</p>",
  },
  {
    text: "**https://x.org/**",
    tree: "<p><strong><a https://x.org/>https://x.org/</a></strong></p>",
  },
  { text: "[](https://x.org)", tree: "<p><a https://x.org/>https://x.org/</a></p>" },
  { text: "@ana_b says _hi_ to @ben", tree: "<p>@ana_b says <em>hi</em> to @ben</p>" },
  {
    text: "```js\nconst a = `*x*`;\n\n<b>\n```\nafter",
    tree: "<pre js>const a = `*x*`;\n\n<b></pre><p>after</p>",
  },
  { text: "```\nnever closed **x**", tree: "<pre>never closed **x**</pre>" },
  {
    text: "> quoted *x*\n> > deeper\nnot",
    tree: "<q><p>quoted <em>x</em></p><q><p>deeper</p></q></q><p>not</p>",
  },
  {
    text: "- one\n* **two**\n+ three",
    tree: "<ul><li>one</li><li><strong>two</strong></li><li>three</li></ul>",
  },
  { text: "3. c\n4) d", tree: "<ol 3><li>c</li><li>d</li></ol>" },
  { text: "see:\n- a\n\nend", tree: "<p>see:</p><ul><li>a</li></ul><p>end</p>" },
  { text: "# not a heading", tree: "<p># not a heading</p>" },
  { text: "-not a list", tree: "<p>-not a list</p>" },
  { text: "", tree: "" },
];

for (const { text, tree } of CASES) {
  Deno.test(`parseMarkdown() reads ${JSON.stringify(text)}`, () => {
    assertEquals(show(parseMarkdown(text)), tree);
  });
}

/** What people send to break a page: every case must stay text or a web link. */
const HOSTILE: { text: string; tree: string }[] = [
  { text: "<img src=x onerror=alert(1)>", tree: "<p><img src=x onerror=alert(1)></p>" },
  { text: "<script>alert(1)</script>", tree: "<p><script>alert(1)</script></p>" },
  { text: "javascript:alert(1)", tree: "<p>javascript:alert(1)</p>" },
  { text: "[x](javascript:alert(1))", tree: "<p>[x](javascript:alert(1))</p>" },
  { text: "[x](JAVASCRIPT:alert(1))", tree: "<p>[x](JAVASCRIPT:alert(1))</p>" },
  { text: "[x]( javascript:alert(1))", tree: "<p>[x]( javascript:alert(1))</p>" },
  {
    text: "[x](data:text/html,<script>alert(1)</script>)",
    tree: "<p>[x](data:text/html,<script>alert(1)</script>)</p>",
  },
  { text: "[x](//evil.example)", tree: "<p>[x](//evil.example)</p>" },
  {
    text: '[x](https://ok.example "t")',
    tree: '<p>[x](<a https://ok.example/>https://ok.example</a> "t")</p>',
  },
];

for (const { text, tree } of HOSTILE) {
  Deno.test(`parseMarkdown() keeps ${JSON.stringify(text)} inert`, () => {
    assertEquals(show(parseMarkdown(text)), tree);
  });
}

/** Every link in a tree, and the deepest nesting of inline marks and quotes. */
function survey(blocks: readonly BlockNode[]): { hrefs: string[]; inline: number; quote: number } {
  const hrefs: string[] = [];
  let deepestInline = 0;
  let deepestQuote = 0;
  const walkInline = (nodes: readonly InlineNode[], depth: number) => {
    deepestInline = Math.max(deepestInline, depth);
    for (const node of nodes) {
      if (node.type === "link") hrefs.push(node.href);
      if ("children" in node) walkInline(node.children, depth + 1);
    }
  };
  const walk = (blocks: readonly BlockNode[], depth: number) => {
    deepestQuote = Math.max(deepestQuote, depth);
    for (const block of blocks) {
      if (block.type === "paragraph") walkInline(block.children, 0);
      if (block.type === "list") { for (const item of block.items) walkInline(item, 0); }
      if (block.type === "quote") walk(block.children, depth + 1);
    }
  };
  walk(blocks, 0);
  return { hrefs, inline: deepestInline, quote: deepestQuote };
}

Deno.test("parseMarkdown() bounds nesting: 1,000 quotes and 5,000 open marks", () => {
  const quotes = parseMarkdown(`${">".repeat(1000)} deep`);
  assertEquals(survey(quotes).quote, MAX_QUOTE_DEPTH);
  const lines = parseMarkdown(Array.from({ length: 1000 }, (_, i) => ">".repeat(i + 1)).join("\n"));
  assertEquals(survey(lines).quote, MAX_QUOTE_DEPTH);
  const marks = "*a _b ".repeat(1250) + "x" + " c_ d*".repeat(1250);
  assertEquals(survey(parseMarkdown(marks)).inline, MAX_INLINE_DEPTH);
});

Deno.test("parseMarkdown() makes only http(s) links of 100 KB of hostile text", () => {
  const corpus = [
    ...HOSTILE.map((c) => c.text),
    "**_~~`x`~~_**",
    "***a**b*",
    "x".repeat(10_000),
    "**_~~`[".repeat(2000),
    "[a](x".repeat(2000),
    "http://[".repeat(2000),
    "`a``b```c".repeat(2000),
    "***a**b*".repeat(1000),
    "[x](javascript:alert(1)) ".repeat(500),
    "*a _b ".repeat(2000) + " c_".repeat(2000),
    ">".repeat(1000) + " x",
    "https://a.example/" + ")".repeat(5000),
  ];
  let total = 0;
  for (const text of corpus) {
    const { hrefs } = survey(parseMarkdown(text));
    for (const href of hrefs) assert(/^https?:\/\//.test(href), href);
    total += text.length;
  }
  // About 100 KB of hostile text parsed; the browser test times it (formatting_test.ts).
  assert(total > 100_000, `${total}`);
});

Deno.test("parseMarkdown() keeps every character of a 10,000-character line of marks", () => {
  const line = "*a* **".repeat(1667).slice(0, 10_000);
  const text = show(parseMarkdown(line)).replace(/<\/?(p|em|strong)>/g, "");
  assertEquals(text.replace(/\*/g, "").length, line.replace(/\*/g, "").length);
});
