/**
 * What a person types to search (`/search` in the terminal, the search box in the browser) turned
 * into the fields of a `search` request (PROTOCOL.md section 3.6): `in:ROOM` narrows it to a room,
 * `with:NICK` to the private conversation with someone, `from:NICK` to what one person said; the
 * rest are the words, prefixes (`word*`) and `"phrases"` the server matches. Both clients parse the
 * same way, so a search reads the same wherever it is typed.
 *
 * @module
 */

/** The fields of a `search` request a typed query gives. */
export interface SearchQuery {
  /** The words, prefixes and phrases, as typed, joined by single spaces; `""` when none. */
  text: string;
  room?: string;
  with?: string;
  from?: string;
}

/** A phrase in quotes (its end quote may be missing while typing), or any run of non-space. */
const TOKEN = /"[^"]*"?|\S+/gu;
/** A filter token: `in:`, `with:` or `from:` and a name. */
const FILTER = /^(in|with|from):(.+)$/iu;

/**
 * Parses a typed search: `in:ROOM` (a leading `#` is dropped), `with:NICK` and `from:NICK` (a
 * leading `@` is dropped) become fields, the last of each kind winning; a filter inside quotes is
 * part of a phrase.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseSearchQuery } from "./search_query.ts";
 *
 * assertEquals(parseSearchQuery('deploy "release notes" in:#ops from:@ana'), {
 *   text: 'deploy "release notes"',
 *   room: "ops",
 *   from: "ana",
 * });
 * ```
 */
export function parseSearchQuery(typed: string): SearchQuery {
  const words: string[] = [];
  const query: SearchQuery = { text: "" };
  for (const [token] of typed.matchAll(TOKEN)) {
    const filter = token.startsWith('"') ? null : FILTER.exec(token);
    if (filter === null) {
      words.push(token);
      continue;
    }
    const kind = filter[1].toLowerCase();
    if (kind === "in") query.room = filter[2].replace(/^#/u, "");
    else if (kind === "with") query.with = filter[2].replace(/^@/u, "");
    else query.from = filter[2].replace(/^@/u, "");
  }
  query.text = words.join(" ");
  return query;
}
