/**
 * The safe Markdown subset of chat messages, parsed into the small tree of markdown_node.ts
 * that both clients render: paragraphs (line breaks kept, as people type them), fenced code
 * blocks, `> ` quotes, `-`/`*`/`+` and `1.` lists; inside them the marks of parse_inline.ts.
 * Headings, tables, images and HTML are not part of it: they stay text.
 *
 * Our own parser rather than one from npm: measured with `deno bundle --minify`, markdown-it
 * 15.0.3 weighs about 99.6 KB and marked 18.2.1 about 51.5 KB, against a whole web client of
 * 122 KB, and both produce HTML or HTML tokens that would still need the same walk and the same
 * filtering as this tree; this parser and its renderers add about 6 KB. It runs in time linear
 * in the text (see parse_inline.ts), and quotes nest at most {@linkcode MAX_QUOTE_DEPTH} deep.
 *
 * @module
 */
import type { BlockNode, InlineNode } from "./markdown_node.ts";
import { parseInline } from "./parse_inline.ts";

/** How deep quotes nest; deeper `>` marks stay text. */
export const MAX_QUOTE_DEPTH = 8;

const FENCE = /^ {0,3}(`{3,})[ \t]*([^`\s]*)/u;
const QUOTE = /^ {0,3}> ?/u;
const BULLET = /^ {0,3}[-*+][ \t]+(?=\S)/u;
const NUMBERED = /^ {0,3}(\d{1,9})[.)][ \t]+(?=\S)/u;
const BLANK = /^\s*$/u;

/**
 * Parses a message's text into blocks.
 *
 * @example
 * ```ts
 * import { parseMarkdown } from "./parse_markdown.ts";
 * parseMarkdown("> *hi*");
 * // [{ type: "quote", children: [{ type: "paragraph", children: [
 * //   { type: "em", mark: "*", children: [{ type: "text", text: "hi" }] }] }] }]
 * ```
 */
export function parseMarkdown(text: string): BlockNode[] {
  return parseBlocks(text.split(/\r?\n/u), 0);
}

function parseBlocks(lines: string[], depth: number): BlockNode[] {
  const blocks: BlockNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (BLANK.test(line)) {
      i++;
    } else if (fence !== null) {
      const closing = new RegExp(`^ {0,3}${fence[1][0]}{${fence[1].length},}\\s*$`, "u");
      const body: string[] = [];
      for (i++; i < lines.length && !closing.test(lines[i]); i++) body.push(lines[i]);
      i++;
      blocks.push({ type: "code_block", text: body.join("\n"), lang: fence[2] });
    } else if (depth < MAX_QUOTE_DEPTH && QUOTE.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && QUOTE.test(lines[i]); i++) body.push(lines[i].replace(QUOTE, ""));
      blocks.push({ type: "quote", children: parseBlocks(body, depth + 1) });
    } else if (BULLET.test(line)) {
      const items: InlineNode[][] = [];
      for (; i < lines.length && BULLET.test(lines[i]); i++) {
        items.push(parseInline(lines[i].replace(BULLET, "")));
      }
      blocks.push({ type: "list", ordered: false, start: 1, items });
    } else if (NUMBERED.test(line)) {
      const start = Number(NUMBERED.exec(line)![1]);
      const items: InlineNode[][] = [];
      for (; i < lines.length && NUMBERED.test(lines[i]); i++) {
        items.push(parseInline(lines[i].replace(NUMBERED, "")));
      }
      blocks.push({ type: "list", ordered: true, start, items });
    } else {
      const body: string[] = [];
      for (; i < lines.length && !startsBlock(lines[i], depth); i++) body.push(lines[i]);
      blocks.push({ type: "paragraph", children: parseInline(body.join("\n")) });
    }
  }
  return blocks;
}

/** Whether `line` ends a paragraph: a blank line, or the start of another kind of block. */
function startsBlock(line: string, depth: number): boolean {
  return BLANK.test(line) || FENCE.test(line) || BULLET.test(line) || NUMBERED.test(line) ||
    (depth < MAX_QUOTE_DEPTH && QUOTE.test(line));
}
