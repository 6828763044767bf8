/**
 * The little this client remembers in the browser: the last nick, the chosen theme, this
 * browser's device credential and how far it has read in each room, never the passkey. Storage
 * may be disabled (private windows, policies): then nothing is remembered and nothing fails.
 *
 * @module
 */

/**
 * Keys this client stores under: the last nick, the theme, the device credential this browser
 * was given (`welcome.device`), which brings it back in without the passkey, and the newest
 * event seen in each room (list/read_marks.ts).
 */
export type StoredKey = "chat-nick" | "chat-theme" | "chat-device" | "chat-seen";

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
