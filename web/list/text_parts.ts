/**
 * A message's text cut into what the page shows differently: plain text, web links and
 * `@nick` mentions. Pure (no DOM), so the rules are tested without a browser; event_row.ts turns
 * the parts into text nodes and elements, never into HTML.
 *
 * Only `http://` and `https://` addresses become links (found by the Markdown parser's rule,
 * src/client/markdown/find_links.ts): anything else people type (`javascript:`, `data:`,
 * `file:`) stays text. The page never fetches a link; the browser opens it only when
 * clicked, in a new tab, without telling the other site where it came from.
 *
 * @module
 */
import { findLinks } from "../../src/client/markdown/find_links.ts";
import { mentionedNicks, mentions } from "../../src/protocol/mentions.ts";
import { nickKey } from "../../src/protocol/names.ts";

/** One piece of a message's text, in order; their texts put together give the whole text. */
export type TextPart =
  | { kind: "text"; text: string }
  /** An address as typed (`text`) and as the link goes (`href`, the parsed URL). */
  | { kind: "link"; text: string; href: string }
  /** `@nick`; `you` when it mentions the reader, by the protocol's rule (mentions.ts). */
  | { kind: "mention"; text: string; you: boolean };

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
