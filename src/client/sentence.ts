/**
 * `text` as a sentence that ends with one full stop, question mark or exclamation mark, so that
 * sentences put together never read `?.` or `..`.
 *
 * @example
 * ```ts
 * import { sentence } from "./sentence.ts";
 * sentence('Is "chat serve" running there?'); // 'Is "chat serve" running there?'
 * sentence("The connection was lost"); // "The connection was lost."
 * ```
 */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.?!…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
