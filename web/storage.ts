/**
 * The little this client remembers in the browser: the last nick and the chosen theme, never
 * the passkey. Storage may be disabled (private windows, policies): then nothing is remembered
 * and nothing fails.
 *
 * @module
 */

/** Keys this client stores under. */
export type StoredKey = "chat-nick" | "chat-theme";

/**
 * The value stored under `key`, or null.
 *
 * @example
 * ```ts ignore
 * recall("chat-theme"); // "dark"
 * ```
 */
export function recall(key: StoredKey): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/**
 * Stores `value` under `key`, if the browser lets it.
 *
 * @example
 * ```ts ignore
 * remember("chat-nick", "ana");
 * ```
 */
export function remember(key: StoredKey, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage may be disabled; the page works without it.
  }
}
