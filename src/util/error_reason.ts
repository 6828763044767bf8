/**
 * Why something failed, to be said inside a sentence of our own: the error's message without its
 * final period, or the thrown value as text.
 *
 * @example
 * ```ts
 * import { errorReason } from "./error_reason.ts";
 * const reason = errorReason(new Error("Permission denied."));
 * `Cannot create the data dir: ${reason}.`; // "Cannot create the data dir: Permission denied."
 * ```
 */
export function errorReason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}
