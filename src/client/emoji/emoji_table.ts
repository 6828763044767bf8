/**
 * The emoji both clients know, read once from the generated table (emoji_data.ts, from the npm
 * package gemoji): for `:shortcodes:`, their completion and the browser's picker.
 *
 * @module
 */
import { EMOJI_DATA } from "./emoji_data.ts";

/** One emoji: the character(s), its shortcodes (`smile`), words it is found by, its group. */
export interface EmojiEntry {
  emoji: string;
  names: readonly string[];
  keywords: readonly string[];
  group: string;
}

/** Every emoji in the table's order, and each by its shortcode. */
export interface EmojiTable {
  list: readonly EmojiEntry[];
  byName: ReadonlyMap<string, EmojiEntry>;
}

let table: EmojiTable | undefined;

/**
 * The emoji table, read at the first call.
 *
 * @example
 * ```ts
 * import { emojiTable } from "./emoji_table.ts";
 * emojiTable().byName.get("smile")?.emoji; // "😄"
 * ```
 */
export function emojiTable(): EmojiTable {
  if (table !== undefined) return table;
  const list: EmojiEntry[] = [];
  const byName = new Map<string, EmojiEntry>();
  let group = "";
  for (const line of EMOJI_DATA.split("\n")) {
    if (line.startsWith("#")) {
      group = line.slice(1);
      continue;
    }
    const [emoji, names, keywords] = line.split("\t");
    const entry = { emoji, names: names.split(" "), keywords: keywords.split(" "), group };
    list.push(entry);
    for (const name of entry.names) byName.set(name, entry);
  }
  table = { list, byName };
  return table;
}
