/**
 * Where the web addresses in a text are: shared by the Markdown parser (bare addresses become
 * links before any `*` or `_` inside them is taken for emphasis) and the browser's text parts.
 *
 * Only `http://` and `https://` addresses count: anything else people type (`javascript:`,
 * `data:`, `file:`) stays text.
 *
 * @module
 */

/** A web address found in a text: where it stands and the parsed URL it leads to. */
export interface FoundLink {
  start: number;
  end: number;
  href: string;
}

/**
 * The longest address looked at, in characters: enough for any link people share, and it keeps
 * a hostile run of `http://` without spaces from being scanned again for each start.
 */
const MAX_LINK_CHARS = 2048;
/** Where an address starts: `http://` or `https://`, not in the middle of a word. */
const LINK_START = /(?<![\p{L}\p{N}_])https?:\/\//giu;
/** What ends an address: white space and the characters that cannot be in one unescaped. */
const LINK_END = /[\s<>"`{}|\\^]/u;
/** Punctuation that ends a sentence rather than an address when it comes last. */
const TRAILING = /[.,;:!?'*_~]$/u;
/** Closing brackets, kept at the end only when the address opened them (Wikipedia's `(x)`). */
const CLOSING: Record<string, string> = { ")": "(", "]": "[" };

/**
 * The web addresses in `text`, in order, without the punctuation that ends a sentence.
 *
 * @example
 * ```ts
 * import { findLinks } from "./find_links.ts";
 * findLinks("see https://example.org/a."); // [{ start: 4, end: 25, href: "https://example.org/a" }]
 * ```
 */
export function findLinks(text: string): FoundLink[] {
  const links: FoundLink[] = [];
  for (const match of text.matchAll(LINK_START)) {
    const start = match.index;
    if (links.length > 0 && start < links[links.length - 1].end) continue;
    const rest = text.slice(start, start + MAX_LINK_CHARS);
    const stop = rest.search(LINK_END);
    const candidate = trimEnd(stop === -1 ? rest : rest.slice(0, stop));
    const href = webUrl(candidate);
    if (href !== undefined) links.push({ start, end: start + candidate.length, href });
  }
  return links;
}

/**
 * The address as a browser would follow it, or undefined unless it is http(s) with a host.
 *
 * @example
 * ```ts
 * import { webUrl } from "./find_links.ts";
 * webUrl("https://example.org"); // "https://example.org/"
 * webUrl("javascript:alert(1)"); // undefined
 * ```
 */
export function webUrl(candidate: string): string | undefined {
  if (!URL.canParse(candidate)) return undefined;
  const url = new URL(candidate);
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    return undefined;
  }
  return url.href;
}

/** Drops the punctuation and unopened brackets that end a sentence after an address. */
function trimEnd(candidate: string): string {
  for (;;) {
    const last = candidate.at(-1) ?? "";
    const opening = CLOSING[last];
    if (TRAILING.test(candidate)) {
      candidate = candidate.slice(0, -1);
    } else if (
      opening !== undefined && count(candidate, last) > count(candidate, opening)
    ) {
      candidate = candidate.slice(0, -1);
    } else {
      return candidate;
    }
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
