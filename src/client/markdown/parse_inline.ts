/**
 * The inline half of the Markdown subset: emphasis (`*em*`, `_em_`, `**strong**`, `__strong__`),
 * `~~strike~~`, `` `code` ``, `[text](https://…)` and bare web addresses, `\` escapes and line
 * breaks. Everything else, raw HTML included, is text: the tree has no node that could carry
 * markup, and a link's `href` is always an http(s) URL (find_links.ts), never `javascript:` or
 * `data:`.
 *
 * One pass from left to right, in time linear in the text, whatever it holds (a chat server
 * relays whatever a client sends, so a hostile message must not freeze every reader):
 * - emphasis is matched with a stack of open delimiter runs in the manner of CommonMark, but
 *   each closer is matched with the nearest opener of its kind, and the openers above it become
 *   text and leave the stack, so every delimiter is looked at a bounded number of times;
 * - nesting stops at {@linkcode MAX_INLINE_DEPTH} (further marks stay text), so no renderer
 *   recurses deeply;
 * - the closing run of a code span is found from a table of backtick runs by length, with a
 *   cursor per length that only moves forwards;
 * - a `[text](url)` is looked for only up to the next bracket or white space, within bounds.
 *
 * @module
 */
import { findLinks, webUrl } from "./find_links.ts";
import type { InlineNode } from "./markdown_node.ts";

/** How deep marks may nest: far more than anyone writes, few enough for any renderer. */
export const MAX_INLINE_DEPTH = 16;
/** The longest `[text]` of a link, and its `(url)`, in characters. */
const MAX_LABEL_CHARS = 1000;
const MAX_URL_CHARS = 2048;
/** What a backslash makes literal: ASCII punctuation, as in CommonMark. */
const ESCAPABLE = /[!-/:-@[-`{-~]/u;
const SPACE = /\s/u;
const WORD = /[\p{L}\p{N}]/u;
/** Characters that may start something other than plain text. */
const SPECIAL = /[\\\n`[*_~]/gu;

type Mark = "*" | "_" | "~";

/** An open delimiter run: its text node in the list being built, its character and length. */
interface Opener {
  index: number;
  char: Mark;
  count: number;
}

/**
 * Parses one block's text into inline nodes; `\n` becomes a `break` node.
 *
 * @example
 * ```ts
 * import { parseInline } from "./parse_inline.ts";
 * parseInline("**hi** `x`");
 * // [{ type: "strong", mark: "**", children: [{ type: "text", text: "hi" }] },
 * //  { type: "text", text: " " }, { type: "code", text: "x" }]
 * ```
 */
export function parseInline(text: string): InlineNode[] {
  const links = findLinks(text);
  const closers = new BacktickRuns(text);
  const nodes: InlineNode[] = [];
  const stack: Opener[] = [];
  const open: Record<Mark, number> = { "*": 0, "_": 0, "~": 0 };
  let buffer = "";
  const flush = () => {
    if (buffer !== "") nodes.push({ type: "text", text: buffer });
    buffer = "";
  };
  let nextLink = 0;
  let i = 0;
  while (i < text.length) {
    while (nextLink < links.length && links[nextLink].start < i) nextLink++;
    const link = links[nextLink];
    const special = nextSpecial(text, i);
    const stop = Math.min(special, link?.start ?? text.length);
    if (stop > i) {
      buffer += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (link !== undefined && link.start === i) {
      flush();
      nodes.push({ type: "link", href: link.href, text: text.slice(i, link.end), bare: true });
      i = link.end;
      continue;
    }
    const char = text[i];
    if (char === "\\" && ESCAPABLE.test(text[i + 1] ?? "")) {
      buffer += text[i + 1];
      i += 2;
    } else if (char === "\n") {
      flush();
      nodes.push({ type: "break" });
      i++;
    } else if (char === "`") {
      const length = runLength(text, i);
      const close = closers.next(length, i + length);
      if (close === undefined) {
        buffer += text.slice(i, i + length);
      } else {
        flush();
        nodes.push({ type: "code", text: codeText(text.slice(i + length, close)) });
      }
      i = close === undefined ? i + length : close + length;
    } else if (char === "[") {
      const found = markdownLink(text, i);
      if (found === undefined) {
        buffer += char;
        i++;
      } else {
        flush();
        nodes.push(found.node);
        i = found.end;
      }
    } else {
      const length = runLength(text, i);
      const remaining = closeRun(text, i, length);
      const rest = char.repeat(remaining);
      const opens = canOpen(text, i, length) && (char !== "~" || length === 2);
      if (remaining > 0 && opens && stack.length < MAX_INLINE_DEPTH) {
        flush();
        nodes.push({ type: "text", text: rest });
        stack.push({ index: nodes.length - 1, char: char as Mark, count: remaining });
        open[char as Mark]++;
      } else {
        buffer += rest;
      }
      i += length;
    }
  }
  flush();
  return mergeText(nodes);

  /** Closes what the run at `at` can close; returns how many of its characters are left. */
  function closeRun(text: string, at: number, length: number): number {
    const char = text[at] as Mark;
    if (char === "~" && length !== 2) return length;
    let remaining = length;
    if (!canClose(text, at, length)) return remaining;
    while (remaining > 0 && open[char] > 0) {
      let s = stack.length - 1;
      while (stack[s].char !== char) s--;
      for (let k = stack.length - 1; k > s; k--) open[stack[k].char]--;
      stack.length = s + 1;
      const opener = stack[s];
      const use = char === "~" ? 2 : remaining >= 2 && opener.count >= 2 ? 2 : 1;
      flush();
      const children = nodes.splice(opener.index + 1);
      opener.count -= use;
      remaining -= use;
      const mark = char.repeat(use);
      const type = char === "~" ? "strike" : use === 2 ? "strong" : "em";
      nodes.push({ type, mark, children: mergeText(children) });
      if (opener.count === 0) {
        nodes.splice(opener.index, 1);
        stack.pop();
        open[char]--;
      } else {
        nodes[opener.index] = { type: "text", text: char.repeat(opener.count) };
      }
    }
    return remaining;
  }
}

/** Where the next character that may start markup is, at or after `from`. */
function nextSpecial(text: string, from: number): number {
  SPECIAL.lastIndex = from;
  return SPECIAL.exec(text)?.index ?? text.length;
}

function runLength(text: string, at: number): number {
  let end = at;
  while (text[end] === text[at]) end++;
  return end - at;
}

/** A run opens when a non-space follows it, and `_` not inside a word (`snake_case`). */
function canOpen(text: string, at: number, length: number): boolean {
  const after = text[at + length];
  if (after === undefined || SPACE.test(after)) return false;
  return text[at] !== "_" || !WORD.test(text[at - 1] ?? "");
}

/** A run closes when a non-space precedes it, and `_` not inside a word. */
function canClose(text: string, at: number, length: number): boolean {
  const before = text[at - 1];
  if (before === undefined || SPACE.test(before)) return false;
  return text[at] !== "_" || !WORD.test(text[at + length] ?? "");
}

/** A code span's text: a space on each side of it is padding (`` `` ` `` ``). */
function codeText(raw: string): string {
  const text = raw.replace(/\n/gu, " ");
  return /^ .*[^ ].* $/su.test(text) ? text.slice(1, -1) : text;
}

/** `[text](url)` at `at`, when the URL is a web address; otherwise undefined. */
function markdownLink(
  text: string,
  at: number,
): { node: InlineNode; end: number } | undefined {
  let j = at + 1;
  const labelEnd = Math.min(text.length, at + 1 + MAX_LABEL_CHARS);
  while (j < labelEnd && !"[]\n".includes(text[j])) j++;
  if (text[j] !== "]" || text[j + 1] !== "(") return undefined;
  const urlStart = j + 2;
  const urlEnd = Math.min(text.length, urlStart + MAX_URL_CHARS);
  let depth = 0;
  let k = urlStart;
  for (; k < urlEnd; k++) {
    const char = text[k];
    if (SPACE.test(char) || char === "[" || char === "]") return undefined;
    if (char === "(") depth++;
    if (char === ")" && depth-- === 0) break;
  }
  if (text[k] !== ")") return undefined;
  const href = webUrl(text.slice(urlStart, k));
  if (href === undefined) return undefined;
  const label = text.slice(at + 1, j).trim();
  return {
    node: { type: "link", href, text: label === "" ? href : label, bare: false },
    end: k + 1,
  };
}

/** Adjacent text nodes as one; empty ones dropped. */
function mergeText(nodes: InlineNode[]): InlineNode[] {
  const merged: InlineNode[] = [];
  for (const node of nodes) {
    const last = merged.at(-1);
    if (node.type === "text" && node.text === "") continue;
    if (node.type === "text" && last?.type === "text") {
      merged[merged.length - 1] = { type: "text", text: last.text + node.text };
    } else {
      merged.push(node);
    }
  }
  return merged;
}

/** The backtick runs of a text by length, each found once as the closer of an earlier one. */
class BacktickRuns {
  readonly #starts = new Map<number, number[]>();
  readonly #cursor = new Map<number, number>();

  constructor(text: string) {
    for (let i = text.indexOf("`"); i !== -1; i = text.indexOf("`", i)) {
      const length = runLength(text, i);
      const starts = this.#starts.get(length) ?? [];
      starts.push(i);
      this.#starts.set(length, starts);
      i += length;
    }
  }

  /** Where the first run of `length` backticks at or after `from` starts. */
  next(length: number, from: number): number | undefined {
    const starts = this.#starts.get(length) ?? [];
    let cursor = this.#cursor.get(length) ?? 0;
    while (cursor < starts.length && starts[cursor] < from) cursor++;
    this.#cursor.set(length, cursor);
    return starts[cursor];
  }
}
