import { type Quote, QUOTE_CHARS } from "./messages.ts";

/**
 * What a reply shows of the message it answers, as that message reads now: its author and the
 * first {@linkcode QUOTE_CHARS} characters of its text (an emoji counts as one), or, once it is
 * deleted, nothing of its text. The server quotes with it and a client updates its quotes with it,
 * so both cut at the same place.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { quoteOf } from "./quote.ts";
 *
 * assertEquals(quoteOf({ from: "ana", text: "lunch?" }), { from: "ana", text: "lunch?" });
 * assertEquals(quoteOf({ from: "ana", text: "oops", deleted: true }), {
 *   from: "ana",
 *   text: "",
 *   deleted: true,
 * });
 * ```
 */
export function quoteOf(message: { from: string; text: string; deleted?: boolean }): Quote {
  if (message.deleted === true) return { from: message.from, text: "", deleted: true };
  const text = message.text.length <= QUOTE_CHARS
    ? message.text
    : [...message.text].slice(0, QUOTE_CHARS).join("");
  return { from: message.from, text };
}
