/**
 * The Markdown tree as terminal lines: `**strong**` bold, `*em*` italic, `~~strike~~` struck
 * through, `` `code` `` dim, links underlined with their address beside a label, quotes behind a
 * `│ ` bar, lists with bullets or numbers, and code blocks verbatim, indented. Colour is used
 * only when @std/fmt/colors is enabled (not under `NO_COLOR`); without it the marks stay as they
 * were typed, so nothing is lost. Every piece of text is passed through
 * {@linkcode sanitize}: what others write cannot move the cursor or fake a line.
 *
 * @module
 */
import * as colors from "@std/fmt/colors";
import { sanitize } from "../sanitize.ts";
import type { BlockNode, InlineNode } from "./markdown_node.ts";

/** How the terminal renders a message's text. */
export interface AnsiOptions {
  /** Applied to each piece of plain text after it is made safe (to highlight mentions). */
  paint?: (text: string) => string;
}

/**
 * Renders `blocks` as terminal lines.
 *
 * @example
 * ```ts
 * import { parseMarkdown } from "./parse_markdown.ts";
 * import { renderAnsi } from "./render_ansi.ts";
 * renderAnsi(parseMarkdown("**hi**\n> there")); // ["\x1b[1mhi\x1b[22m", "│ there"] (coloured)
 * ```
 */
export function renderAnsi(blocks: readonly BlockNode[], options: AnsiOptions = {}): string[] {
  const paint = options.paint ?? ((text: string) => text);
  const lines: string[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "paragraph":
        lines.push(...inlineLines(block.children, paint));
        break;
      case "code_block":
        for (const line of block.text.split("\n")) lines.push(`    ${sanitize(line)}`);
        break;
      case "quote":
        for (const line of renderAnsi(block.children, options)) {
          lines.push(`${colors.gray("│")} ${line}`);
        }
        break;
      case "list":
        block.items.forEach((item, n) => {
          const bullet = block.ordered ? `${block.start + n}.` : "•";
          const [first = "", ...rest] = inlineLines(item, paint);
          lines.push(
            `${bullet} ${first}`,
            ...rest.map((line) => `${" ".repeat(bullet.length)} ${line}`),
          );
        });
        break;
    }
  }
  return lines;
}

/** Inline nodes as lines (a `break` starts a new one). */
function inlineLines(nodes: readonly InlineNode[], paint: (text: string) => string): string[] {
  return inline(nodes, paint).split("\n");
}

function inline(nodes: readonly InlineNode[], paint: (text: string) => string): string {
  const color = colors.getColorEnabled();
  let out = "";
  for (const node of nodes) {
    switch (node.type) {
      case "text":
        out += paint(sanitize(node.text));
        break;
      case "break":
        out += "\n";
        break;
      case "code":
        out += color ? colors.dim(sanitize(node.text)) : `\`${sanitize(node.text)}\``;
        break;
      case "link": {
        const text = sanitize(node.text);
        const label = color ? colors.underline(text) : text;
        out += node.bare ? label : `${label} <${sanitize(node.href)}>`;
        break;
      }
      default: {
        const inner = inline(node.children, paint);
        if (!color) out += `${node.mark}${inner}${node.mark}`;
        else if (node.type === "strong") out += colors.bold(inner);
        else if (node.type === "em") out += colors.italic(inner);
        else out += colors.strikethrough(inner);
      }
    }
  }
  return out;
}
