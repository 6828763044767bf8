/** A grapheme that shows as an emoji: a pictograph, a flag, or a keycap (`1️⃣`). */
const EMOJI_GRAPHEME = /\p{Extended_Pictographic}|\p{Regional_Indicator}{2}|\u20e3/u;
/** The most emoji a message may have to be shown larger. */
const MAX_BIG_EMOJI = 8;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Whether `text` is one to eight emoji and white space only: the browser shows such a message
 * larger.
 *
 * @example
 * ```ts
 * import { isEmojiOnly } from "./is_emoji_only.ts";
 * isEmojiOnly("🎉 🎉"); // true
 * isEmojiOnly("🎉 yes"); // false
 * ```
 */
export function isEmojiOnly(text: string): boolean {
  if (text.length > MAX_BIG_EMOJI * 16) return false;
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!EMOJI_GRAPHEME.test(segment) || ++count > MAX_BIG_EMOJI) return false;
  }
  return count > 0;
}
