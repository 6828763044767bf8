/**
 * The Markdown subset of chat messages: one parser, a tree, and the terminal's rendering of it
 * (the browser's builds elements: web/list/markdown_dom.ts).
 *
 * @module
 */
export * from "./find_links.ts";
export * from "./markdown_node.ts";
export * from "./parse_inline.ts";
export * from "./parse_markdown.ts";
export * from "./render_ansi.ts";
