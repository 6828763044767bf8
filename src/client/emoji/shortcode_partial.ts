/** A shortcode being typed at the end of the text: `:` and two or more of its characters. */
const PARTIAL = /(?<![^\s(])(:[a-z0-9_+-]{2,}:?)$/iu;

/**
 * The `:shortcode` being typed at the end of `before` (the text left of the cursor), or
 * undefined: a colon at the start or after a space, then two or more shortcode characters,
 * so `12:30` and `http://` are not taken for one.
 *
 * @example
 * ```ts
 * import { shortcodePartial } from "./shortcode_partial.ts";
 * shortcodePartial("hi :smi"); // ":smi"
 * shortcodePartial("at 12:30"); // undefined
 * ```
 */
export function shortcodePartial(before: string): string | undefined {
  return PARTIAL.exec(before)?.[1];
}
