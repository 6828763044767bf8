// C0 and C1 control characters, DEL, and the bidirectional overrides that can visually
// reorder a line (the "Trojan Source" class). Tab is shown as a space.
// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes text from other users safe to print on a terminal: control characters and escape
 * sequences become visible escapes such as `\x1b`, so they can neither move the cursor,
 * retitle the window nor fake a line.
 *
 * @example
 * ```ts
 * import { sanitize } from "./sanitize.ts";
 * sanitize("hi\x1b[2J"); // "hi\\x1b[2J"
 * ```
 */
export function sanitize(text: string): string {
  return text.replace(/\t/g, " ").replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}
