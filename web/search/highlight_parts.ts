/**
 * A search result's text cut into what matched the search and what did not, so the results panel
 * can mark the words found (with `mark` elements, never HTML). Pure, so the rules are tested
 * without a browser.
 *
 * It matches as the server does, near enough for marking: without case or accents (`cafe` marks
 * `Café`), `word*` as a prefix, a `"phrase"` as a whole, anywhere in a word for scripts written
 * without spaces. Accents are folded one character at a time, so every match maps back to the
 * characters as written.
 *
 * @module
 */

/** One piece of a text; their texts put together give the whole text. */
export interface HighlightPart {
  text: string;
  /** Whether this piece is something the search looked for. */
  match: boolean;
}

/** A phrase in quotes, or any run of non-space. */
const TERM = /"([^"]*)"?|(\S+)/gu;

/** The terms of a search text, folded, without quotes or the `*` of a prefix. */
function terms(search: string): string[] {
  const found: string[] = [];
  for (const match of search.matchAll(TERM)) {
    const term = fold(match[1] ?? match[2] ?? "").replace(/\*+$/u, "").trim();
    if (term !== "") found.push(term);
  }
  return found;
}

/** Lower case without accents. */
function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/**
 * Cuts `text` into the pieces that match a term of `search` and the pieces between.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { highlightParts } from "./highlight_parts.ts";
 *
 * assertEquals(highlightParts("Le Café ouvre", "cafe"), [
 *   { text: "Le ", match: false },
 *   { text: "Café", match: true },
 *   { text: " ouvre", match: false },
 * ]);
 * ```
 */
export function highlightParts(text: string, search: string): HighlightPart[] {
  // The folded text, and for each of its code units where its character starts in `text`.
  let folded = "";
  const origin: number[] = [];
  let at = 0;
  for (const char of text) {
    const piece = fold(char);
    for (let i = 0; i < piece.length; i++) origin.push(at);
    folded += piece;
    at += char.length;
  }
  origin.push(text.length);
  const marked = new Uint8Array(text.length);
  for (const term of terms(search)) {
    for (let from = folded.indexOf(term); from >= 0; from = folded.indexOf(term, from + 1)) {
      // The match ends where the character after its last one starts: a character that folds
      // to several is marked whole.
      let end = from + term.length;
      while (end < origin.length - 1 && origin[end] === origin[end - 1]) end++;
      marked.fill(1, origin[from], origin[end]);
    }
  }
  const parts: HighlightPart[] = [];
  for (let start = 0; start < text.length;) {
    const match = marked[start] === 1;
    let end = start;
    while (end < text.length && (marked[end] === 1) === match) end++;
    parts.push({ text: text.slice(start, end), match });
    start = end;
  }
  return parts;
}
