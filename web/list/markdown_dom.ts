/**
 * What someone wrote, as elements: the Markdown tree (src/client/markdown) becomes `strong`,
 * `em`, `s`, `code`, `pre`, `blockquote`, `ul`/`ol` and links, and every piece of text a text
 * node, so nothing people type is ever read as HTML. Plain text still has its `@nick` mentions
 * marked (text_parts.ts). Links are the parser's, always http(s), and open in a new tab that
 * can neither reach back into the chat nor learn where it came from.
 *
 * A message of one paragraph stays inline in its line, as before; several blocks get a `p` each.
 *
 * @module
 */
import type { BlockNode, InlineNode } from "../../src/client/markdown/markdown_node.ts";
import { parseMarkdown } from "../../src/client/markdown/parse_markdown.ts";
import { el } from "../elements.ts";
import { textParts } from "./text_parts.ts";

/**
 * Nodes for `text`, as `reader` sees it (their mentions marked; "" marks none).
 *
 * @example
 * ```ts ignore
 * span.append(...markdownNodes("**hi** @ana", "ana"));
 * ```
 */
export function markdownNodes(text: string, reader: string): (Node | string)[] {
  const blocks = parseMarkdown(text);
  if (blocks.length === 1 && blocks[0].type === "paragraph") {
    return inlineNodes(blocks[0].children, reader);
  }
  return blockNodes(blocks, reader);
}

function blockNodes(blocks: readonly BlockNode[], reader: string): HTMLElement[] {
  return blocks.map((block) => {
    switch (block.type) {
      case "paragraph":
        return el("p", {}, ...inlineNodes(block.children, reader));
      case "code_block":
        return el("pre", {}, el("code", {}, block.text));
      case "quote":
        return el("blockquote", {}, ...blockNodes(block.children, reader));
      case "list": {
        const items = block.items.map((item) => el("li", {}, ...inlineNodes(item, reader)));
        if (!block.ordered) return el("ul", {}, ...items);
        return el("ol", { attrs: { start: String(block.start) } }, ...items);
      }
    }
  });
}

function inlineNodes(nodes: readonly InlineNode[], reader: string): (Node | string)[] {
  return nodes.flatMap((node): (Node | string)[] => {
    switch (node.type) {
      case "text":
        return textNodes(node.text, reader);
      case "break":
        return [el("br")];
      case "code":
        return [el("code", {}, node.text)];
      case "link":
        return [
          el("a", {
            attrs: { href: node.href, target: "_blank", rel: "noopener noreferrer" },
          }, node.text),
        ];
      case "strong":
        return [el("strong", {}, ...inlineNodes(node.children, reader))];
      case "em":
        return [el("em", {}, ...inlineNodes(node.children, reader))];
      case "strike":
        return [el("s", {}, ...inlineNodes(node.children, reader))];
    }
  });
}

/** Plain text with its mentions marked (its links are the parser's already). */
function textNodes(text: string, reader: string): (Node | string)[] {
  return textParts(text, reader).map((part) => {
    switch (part.kind) {
      case "text":
        return part.text;
      case "link":
        return el("a", {
          attrs: { href: part.href, target: "_blank", rel: "noopener noreferrer" },
        }, part.text);
      case "mention":
        return part.you
          ? el("mark", { className: "mention you" }, part.text)
          : el("span", { className: "mention" }, part.text);
    }
  });
}
