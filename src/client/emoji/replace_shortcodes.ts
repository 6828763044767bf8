import { emojiTable } from "./emoji_table.ts";

/**
 * Code (a fenced block or a `` `span` ``), which keeps its text, or a `:shortcode:`.
 * A fence without its end runs to the end of the text, as the parser reads it.
 */
const PIECES = /```[\s\S]*?(?:```|$)|`[^`\n]*`|:([a-z0-9_+-]+):/giu;

/**
 * `text` with each known `:shortcode:` replaced by its emoji, except inside code; unknown ones
 * (`12:30:45`, `:nope:`) stay as typed. Both clients call it on a line before sending it.
 *
 * @example
 * ```ts
 * import { replaceShortcodes } from "./replace_shortcodes.ts";
 * replaceShortcodes("hi :wave: `:wave:`"); // "hi 👋 `:wave:`"
 * ```
 */
export function replaceShortcodes(text: string): string {
  if (!text.includes(":")) return text;
  const { byName } = emojiTable();
  return text.replace(
    PIECES,
    (piece, name?: string) =>
      name === undefined ? piece : byName.get(name.toLowerCase())?.emoji ?? piece,
  );
}
