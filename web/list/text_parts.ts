/**
 * A message's text cut into what the page shows differently: plain text, web links and
 * `@nick` mentions. Pure (no DOM), so the rules are tested without a browser; event_row.ts turns
 * the parts into text nodes and elements, never into HTML.
 *
 * Only `http://` and `https://` addresses become links: anything else people type (`javascript:`,
 * `data:`, `file:`) stays text. The page never fetches a link; the browser opens it only when
 * clicked, in a new tab, without telling the other site where it came from.
 *
 * @module
 */
import { mentionedNicks, mentions } from "../../src/protocol/mentions.ts";
import { nickKey } from "../../src/protocol/names.ts";

/** One piece of a message's text, in order; their texts put together give the whole text. */
export type TextPart =
  | { kind: "text"; text: string }
  /** An address as typed (`text`) and as the link goes (`href`, the parsed URL). */
  | { kind: "link"; text: string; href: string }
  /** `@nick`; `you` when it mentions the reader, by the protocol's rule (mentions.ts). */
  | { kind: "mention"; text: string; you: boolean };

/** Where an address starts: `http://` or `https://`, not in the middle of a word. */
const LINK_START = /(?<![\p{L}\p{N}_])https?:\/\//giu;
/** What ends an address: white space and the characters that cannot be in one unescaped. */
const LINK_END = /[\s<>"`{}|\\^]/u;
/** Punctuation that ends a sentence rather than an address when it comes last. */
const TRAILING = /[.,;:!?'*_~]$/u;
/** Closing brackets, kept at the end only when the address opened them (Wikipedia's `(x)`). */
const CLOSING: Record<string, string> = { ")": "(", "]": "[" };

/**
 * Cuts `text` into plain text, links and mentions; `self` is the reader's nick.
 *
 * @example
 * ```ts
 * import { textParts } from "./text_parts.ts";
 * textParts("@ana see https://example.org/a.", "ana");
 * // [{ kind: "mention", text: "@ana", you: true }, { kind: "text", text: " see " },
 * //  { kind: "link", text: "https://example.org/a", href: "https://example.org/a" },
 * //  { kind: "text", text: "." }]
 * ```
 */
export function textParts(text: string, self: string): TextPart[] {
  const parts: TextPart[] = [];
  let done = 0;
  for (const link of findLinks(text)) {
    parts.push(...mentionParts(text.slice(done, link.start), self));
    parts.push({ kind: "link", text: text.slice(link.start, link.end), href: link.href });
    done = link.end;
  }
  parts.push(...mentionParts(text.slice(done), self));
  return parts;
}

/** The web addresses in `text`, in order, with where they stand. */
function findLinks(text: string): { start: number; end: number; href: string }[] {
  const links: { start: number; end: number; href: string }[] = [];
  for (const match of text.matchAll(LINK_START)) {
    const start = match.index;
    if (links.length > 0 && start < links[links.length - 1].end) continue;
    const rest = text.slice(start);
    const stop = rest.search(LINK_END);
    const candidate = trimEnd(stop === -1 ? rest : rest.slice(0, stop));
    const href = parseWebUrl(candidate);
    if (href !== undefined) links.push({ start, end: start + candidate.length, href });
  }
  return links;
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

/** The address as a browser would follow it, or undefined unless it is http(s) with a host. */
function parseWebUrl(candidate: string): string | undefined {
  if (!URL.canParse(candidate)) return undefined;
  const url = new URL(candidate);
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    return undefined;
  }
  return url.href;
}

/** Plain text with its `@nick` mentions set apart. */
function mentionParts(text: string, self: string): TextPart[] {
  const parts: TextPart[] = [];
  let done = 0;
  for (const span of mentionedNicks(text)) {
    if (span.start > done) parts.push({ kind: "text", text: text.slice(done, span.start) });
    let mention = text.slice(span.start, span.end);
    const you = mentions(mention, self);
    // "@ana." at a sentence's end: the reader is ana, so the dot is the sentence's.
    if (you && span.key !== nickKey(self)) mention = mention.replace(/[.\-]+$/u, "");
    parts.push({ kind: "mention", text: mention, you });
    done = span.start + mention.length;
  }
  if (done < text.length) parts.push({ kind: "text", text: text.slice(done) });
  return parts;
}
