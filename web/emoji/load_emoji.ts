/**
 * Loads `/emoji.js` (`emoji_module.ts`) the first time something needs the emoji table, once.
 * The address is built at run time so that the bundler leaves the import to the browser.
 *
 * @module
 */

/** What `/emoji.js` exports. */
export type EmojiModule = typeof import("./emoji_module.ts");

let loading: Promise<EmojiModule> | undefined;

/**
 * The emoji module, loaded on first use; a failed load (the server gone for a moment) is tried
 * again on the next call.
 *
 * @example
 * ```ts ignore
 * const { searchEmoji } = await loadEmoji();
 * ```
 */
export function loadEmoji(): Promise<EmojiModule> {
  loading ??= import(new URL("emoji.js", document.baseURI).href).catch((error) => {
    loading = undefined;
    throw error;
  }) as Promise<EmojiModule>;
  return loading;
}

/** A `:shortcode:` in `text`, which only the emoji table can replace. */
const SHORTCODE = /:[\p{L}\p{N}_+-]+:/u;

/** `text` with its `:shortcodes:` replaced, loading the table only when it has one. */
export async function withEmoji(text: string): Promise<string> {
  if (!SHORTCODE.test(text)) return text;
  try {
    return (await loadEmoji()).replaceShortcodes(text);
  } catch {
    // Sent as typed rather than not at all.
    return text;
  }
}
