/**
 * The little this client remembers in the browser: the last nick, the chosen theme, this
 * browser's device credential, the conversation it had open and its alert settings, never the
 * passkey. How far the reader has read is the server's to keep (read markers), for every device.
 * Storage may be disabled (private windows, policies): then nothing is remembered and nothing
 * fails.
 *
 * @module
 */

/**
 * Keys this client stores under: the last nick, the theme, the device credential this browser
 * was given (`welcome.device`), which brings it back in without the passkey, the private
 * conversation on screen (opened again after a reload), and the alerts: sound on or off,
 * notifications on or off, and each room's choice (following/alerts.ts).
 */
export type StoredKey =
  | "chat-nick"
  | "chat-theme"
  | "chat-device"
  | "chat-open"
  | "chat-sound"
  | "chat-notify"
  | "chat-alerts";

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

/**
 * Removes what is stored under `key`, if the browser lets it.
 *
 * @example
 * ```ts ignore
 * forget("chat-open");
 * ```
 */
export function forget(key: StoredKey): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // Storage may be disabled; the page works without it.
  }
}
