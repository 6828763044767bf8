/**
 * The Markdown tree in a short, HTML-like notation, so tables of cases read at a glance:
 * `**a** x` is `<p><strong>a</strong> x</p>`. Text is shown as it is, unescaped: a `<` in the
 * notation's text came from the input.
 *
 * @module
 */
import type { BlockNode, InlineNode } from "../../../src/client/markdown/mod.ts";

/** The notation of `blocks`. */
export function show(blocks: readonly BlockNode[]): string {
  return blocks.map((block) => {
    switch (block.type) {
      case "paragraph":
        return `<p>${inline(block.children)}</p>`;
      case "code_block":
        return `<pre${block.lang === "" ? "" : ` ${block.lang}`}>${block.text}</pre>`;
      case "quote":
        return `<q>${show(block.children)}</q>`;
      case "list": {
        const items = block.items.map((item) => `<li>${inline(item)}</li>`).join("");
        return block.ordered ? `<ol ${block.start}>${items}</ol>` : `<ul>${items}</ul>`;
      }
    }
  }).join("");
}

/** The notation of inline nodes. */
export function inline(nodes: readonly InlineNode[]): string {
  return nodes.map((node) => {
    switch (node.type) {
      case "text":
        return node.text;
      case "break":
        return "<br>";
      case "code":
        return `<code>${node.text}</code>`;
      case "link":
        return `<a ${node.href}>${node.text}</a>`;
      default:
        return `<${node.type}>${inline(node.children)}</${node.type}>`;
    }
  }).join("");
}
