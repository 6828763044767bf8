/**
 * Emoji for both clients: the table (from the npm package gemoji, bundled, never fetched),
 * `:shortcode:` replacement before sending, Tab completion, search for the browser's picker.
 *
 * @module
 */
export * from "./complete_shortcode.ts";
export * from "./emoji_table.ts";
export * from "./is_emoji_only.ts";
export * from "./replace_shortcodes.ts";
export * from "./search_emoji.ts";
export * from "./shortcode_partial.ts";
