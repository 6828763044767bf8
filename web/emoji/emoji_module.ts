/**
 * The emoji table and what uses it, bundled apart from the page as `/emoji.js`
 * (`deno task bundle`): 72 KB, most of the page's weight otherwise, loaded only when someone
 * types `:`, opens the picker or sends a `:shortcode:` (`load_emoji.ts`).
 *
 * @module
 */
export { replaceShortcodes } from "../../src/client/emoji/replace_shortcodes.ts";
export { searchEmoji } from "../../src/client/emoji/search_emoji.ts";
