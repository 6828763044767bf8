/**
 * The tree the Markdown parser makes and both clients render: the browser builds elements from
 * it, the terminal ANSI text. Small on purpose: only what chat needs, and nothing that can carry
 * markup (there is no HTML node; a link's `href` is always an http(s) URL).
 *
 * Inline marks remember how they were typed (`mark`), so a terminal without colour can show
 * them as written.
 *
 * @module
 */

/** A piece of a line. */
export type InlineNode =
  | { type: "text"; text: string }
  | { type: "strong" | "em" | "strike"; mark: string; children: InlineNode[] }
  | { type: "code"; text: string }
  /** `[text](href)` or a bare address (`text` is then the address as typed). */
  | { type: "link"; href: string; text: string; bare: boolean }
  | { type: "break" };

/** A block of a message: a paragraph, a code block, a quote or a list. */
export type BlockNode =
  | { type: "paragraph"; children: InlineNode[] }
  | { type: "code_block"; text: string; lang: string }
  | { type: "quote"; children: BlockNode[] }
  | { type: "list"; ordered: boolean; start: number; items: InlineNode[][] };
