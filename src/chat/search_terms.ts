/**
 * What a search text means, and which texts it finds, in one place for every history store: the
 * SQLite store hands the same tokens to its full-text index (`src/store/_sqlite_search.ts`), the
 * memory store matches them here, so both find the same messages.
 *
 * Text becomes a list of tokens, computed here rather than by a SQLite tokenizer so that the two
 * stores agree by construction:
 *
 * - Folded: lowercase, compatibility forms unified (NFKC: full-width `Ａ` is `a`), and the
 *   non-spacing marks dropped, so `cafe` finds `café`, `Jose` finds `José`, `مرحبا` finds
 *   `مَرْحَبًا`. The kana voicing marks are kept: `が` and `か` are different sounds.
 * - Split into runs of letters, digits and marks; everything else (spaces, punctuation, emoji,
 *   `*`, `"`, `(`, `:`) only separates. `e-mail` is the two tokens `e` `mail`.
 * - Chinese, Japanese and Korean are written without spaces, so a run of their characters is not
 *   one word: it becomes its overlapping pairs and its last character (`斑马鱼` →
 *   `斑马 马鱼 鱼`). A search for `斑马鱼` then looks for the pairs `斑马 马鱼` in a row, which
 *   finds it anywhere inside `实验室的斑马鱼`; a single character looks for a token starting with
 *   it, which every occurrence has. (`bench/search.ts` compares this with SQLite's trigram
 *   tokenizer, which cannot find a two-character word like `中国` at all.)
 *
 * A search text holds words, `prefix*` and `"quoted phrases"`; each becomes a term, a sequence of
 * tokens that must appear in a row (a word that splits, like `e-mail`, is a phrase), the last one
 * only as a prefix for `*`. A text matches when it holds every term. Nothing in a search text is
 * an operator: `AND`, `NEAR`, `(`, `-` are words or separators, never syntax.
 *
 * @module
 */

/** One term of a search: tokens that must appear in a row, the last maybe only as a prefix. */
export interface SearchTerm {
  /** Folded tokens, at least one. */
  tokens: readonly string[];
  /** True when the last token matches any token that starts with it. */
  prefix: boolean;
}

/** A parsed search text: a text matches when it holds every term. */
export interface SearchTerms {
  /** At least one term. */
  terms: readonly SearchTerm[];
}

/**
 * Most terms one search may hold: every term is one more walk through the index, and a search
 * holds the server's one thread while it runs.
 */
export const MAX_SEARCH_TERMS = 8;
/** Fewest characters before a `*`: a one-letter prefix matches most of the index. */
export const MIN_PREFIX_CHARS = 2;

/** Characters that make up tokens: letters, digits, marks and private-use characters. */
const TOKEN_RUN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
/** Scripts written without spaces between words (and `ー`, the Katakana long vowel mark). */
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+/gu;
/** One character of {@linkcode CJK_RUN}, at the start. */
const CJK_START = new RegExp(`^${CJK_RUN.source}`, "u");
/** Non-spacing marks but the kana voicing marks, which change the sound. */
const DROPPED_MARKS = /(?![\u3099\u309A])\p{Mn}/gu;

/**
 * Parses what a person typed into a search: words, `prefix*` and `"quoted phrases"`. Any text is
 * accepted: an unclosed `"` is ignored, a `*` counts only at the end of a word or after a closing
 * quote, and search-syntax characters are separators.
 *
 * @throws {RangeError} when the text holds no letter or digit to search for.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseSearchTerms } from "./search_terms.ts";
 *
 * assertEquals(parseSearchTerms('Café zebra* "red fish"').terms, [
 *   { tokens: ["cafe"], prefix: false },
 *   { tokens: ["zebra"], prefix: true },
 *   { tokens: ["red", "fish"], prefix: false },
 * ]);
 * ```
 */
export function parseSearchTerms(text: string): SearchTerms {
  const terms: SearchTerm[] = [];
  const closed = (text.match(/"/g)?.length ?? 0) - ((text.match(/"/g)?.length ?? 0) % 2);
  let quotes = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char === '"' && quotes < closed) {
      const end = text.indexOf('"', i + 1);
      quotes += 2;
      const star = text[end + 1] === "*";
      addTerm(terms, text.slice(i + 1, end), star);
      i = end + (star ? 2 : 1);
    } else if (/\s/.test(char) || char === '"') {
      if (char === '"') quotes++;
      i++;
    } else {
      let end = i;
      while (end < text.length && !/\s/.test(text[end]) && text[end] !== '"') end++;
      const word = text.slice(i, end);
      addTerm(terms, word, word.endsWith("*"));
      i = end;
    }
  }
  if (terms.length === 0) {
    throw new RangeError(
      `The search ${
        JSON.stringify(text.slice(0, 80))
      } holds no word to look for; type letters or digits.`,
    );
  }
  const distinct = [
    ...new Map(terms.map((term) => [`${term.tokens.join(" ")}${term.prefix ? "*" : ""}`, term]))
      .values(),
  ];
  if (distinct.length > MAX_SEARCH_TERMS) {
    throw new RangeError(
      `A search holds at most ${MAX_SEARCH_TERMS} words or phrases, not ${distinct.length}.`,
    );
  }
  return { terms: distinct };
}

/**
 * Whether `text` holds every term of `terms`, with the same meaning as the SQLite index:
 * whole tokens without case or accents, prefixes, phrases in a row, Chinese, Japanese and Korean
 * anywhere in a run.
 *
 * @example
 * ```ts
 * import { assert } from "@std/assert";
 * import { matchesSearchTerms, parseSearchTerms } from "./search_terms.ts";
 *
 * assert(matchesSearchTerms(parseSearchTerms("斑马鱼 cafe"), "实验室的斑马鱼 au café"));
 * assert(!matchesSearchTerms(parseSearchTerms("cat"), "concatenate"));
 * ```
 */
export function matchesSearchTerms(terms: SearchTerms, text: string): boolean {
  const tokens = searchTokens(text);
  return terms.terms.every((term) => holds(tokens, term));
}

/**
 * The tokens a text is indexed under (see the module comment): what the SQLite index stores,
 * joined by spaces, and what {@linkcode matchesSearchTerms} compares.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { searchTokens } from "./search_terms.ts";
 *
 * assertEquals(searchTokens("Ça va? 斑马鱼!"), ["ca", "va", "斑马", "马鱼", "鱼"]);
 * ```
 */
export function searchTokens(text: string): string[] {
  return tokenize(text, true);
}

function addTerm(terms: SearchTerm[], raw: string, prefix: boolean): void {
  const tokens = tokenize(raw, false);
  if (tokens.length === 0) return;
  // A query ending in a single CJK character looks for it at the start of any pair.
  const last = tokens[tokens.length - 1];
  const lastIsCjk = [...last].length === 1 && CJK_START.test(last);
  if (prefix && !lastIsCjk && [...last].length < MIN_PREFIX_CHARS) {
    throw new RangeError(
      `A prefix needs at least ${MIN_PREFIX_CHARS} letters before the *: "${raw.slice(0, 40)}".`,
    );
  }
  terms.push({ tokens, prefix: prefix || lastIsCjk });
}

/**
 * Splits folded text into tokens. In a text (`indexed`), every CJK run ends with its last
 * character as a token of its own; in a query, a run that ends the query gets no such token,
 * since the text's run may go on after it.
 */
function tokenize(text: string, indexed: boolean): string[] {
  const folded = fold(text);
  const pieces: string[] = [];
  for (const [run] of folded.matchAll(TOKEN_RUN)) {
    let at = 0;
    for (const cjk of run.matchAll(CJK_RUN)) {
      if (cjk.index > at) pieces.push(run.slice(at, cjk.index));
      pieces.push(cjk[0]);
      at = cjk.index + cjk[0].length;
    }
    if (at < run.length) pieces.push(run.slice(at));
  }
  const tokens: string[] = [];
  pieces.forEach((piece, index) => {
    const chars = [...piece];
    if (!CJK_START.test(piece)) {
      tokens.push(piece);
      return;
    }
    for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i] + chars[i + 1]);
    if (indexed || index < pieces.length - 1 || chars.length === 1) tokens.push(chars.at(-1)!);
  });
  return tokens;
}

function fold(text: string): string {
  return text.toLowerCase().normalize("NFKD").replace(DROPPED_MARKS, "").normalize("NFC")
    .replaceAll("ς", "σ");
}

function holds(tokens: readonly string[], term: SearchTerm): boolean {
  const wanted = term.tokens;
  const last = wanted.length - 1;
  for (let start = 0; start + last < tokens.length; start++) {
    let k = 0;
    while (k < last && tokens[start + k] === wanted[k]) k++;
    if (k !== last) continue;
    const token = tokens[start + last];
    if (term.prefix ? token.startsWith(wanted[last]) : token === wanted[last]) return true;
  }
  return false;
}
