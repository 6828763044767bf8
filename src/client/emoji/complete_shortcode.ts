import type { NickCompletion } from "../nick_completion.ts";
import { emojiTable } from "./emoji_table.ts";
import { searchEmoji } from "./search_emoji.ts";
import { shortcodePartial } from "./shortcode_partial.ts";

/** How many shortcodes Tab offers at most. */
const MAX_COMPLETIONS = 40;

/**
 * Completes a `:shortcode` at the end of `before` (the text left of the cursor), as Tab does in
 * the terminal: a complete `:smile:`, or the only shortcode that fits, becomes its emoji and a
 * space; several that fit are offered as `:shortcode:` (the line is sent with them replaced).
 *
 * @example
 * ```ts
 * import { completeShortcode } from "./complete_shortcode.ts";
 * completeShortcode("hi :smile:"); // { partial: ":smile:", completions: ["😄 "] }
 * completeShortcode("hi :thumbsu"); // { partial: ":thumbsu", completions: ["👍 "] }
 * ```
 */
export function completeShortcode(before: string): NickCompletion {
  const partial = shortcodePartial(before);
  if (partial === undefined) return { partial: "", completions: [] };
  const key = partial.toLowerCase().slice(1);
  const exact = key.endsWith(":") ? emojiTable().byName.get(key.slice(0, -1)) : undefined;
  if (exact !== undefined) return { partial, completions: [`${exact.emoji} `] };
  const names = searchEmoji(key, { namesOnly: true }).flatMap((entry) =>
    entry.names.filter((name) => name.startsWith(key))
  );
  if (names.length === 1) {
    return { partial, completions: [`${emojiTable().byName.get(names[0])!.emoji} `] };
  }
  return { partial, completions: names.slice(0, MAX_COMPLETIONS).map((name) => `:${name}:`) };
}
