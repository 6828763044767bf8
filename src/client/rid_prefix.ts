/**
 * Eight random hex digits that start this client's request ids. Made with
 * `crypto.getRandomValues`, which a browser offers on every page, rather than
 * `crypto.randomUUID`, which it offers only in a secure context: a page served over plain HTTP
 * from a LAN address is not one.
 *
 * @example
 * ```ts
 * import { ridPrefix } from "./rid_prefix.ts";
 * ridPrefix(); // "9f3a06c2"
 * ```
 */
export function ridPrefix(): string {
  const [value] = crypto.getRandomValues(new Uint32Array(1));
  return value.toString(16).padStart(8, "0");
}
