import { type EmojiEntry, emojiTable } from "./emoji_table.ts";

/**
 * The emoji whose shortcode or keywords start with `query` (any case, leading and trailing
 * `:` ignored), best first: a shortcode that is the query, then shortcodes that start with it,
 * then keywords that do; at most `limit`. Every emoji for an empty query.
 *
 * @example
 * ```ts
 * import { searchEmoji } from "./search_emoji.ts";
 * searchEmoji("smile", { limit: 2 }).map((entry) => entry.emoji); // ["😄", "😃"]
 * ```
 */
export function searchEmoji(
  query: string,
  options: { limit?: number; namesOnly?: boolean } = {},
): EmojiEntry[] {
  const limit = options.limit ?? Infinity;
  const key = query.toLowerCase().replace(/^:|:$/gu, "").trim();
  const { list } = emojiTable();
  if (key === "") return list.slice(0, limit);
  const exact: EmojiEntry[] = [];
  const named: EmojiEntry[] = [];
  const worded: EmojiEntry[] = [];
  for (const entry of list) {
    if (entry.names.includes(key)) exact.push(entry);
    else if (entry.names.some((name) => name.startsWith(key))) named.push(entry);
    else if (!options.namesOnly && entry.keywords.some((word) => word.startsWith(key))) {
      worded.push(entry);
    }
  }
  return [...exact, ...named, ...worded].slice(0, limit);
}
