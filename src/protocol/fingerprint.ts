/**
 * Formats a SHA-256 certificate digest the way `chat serve` prints it and users pin it:
 * `SHA256:` and 32 uppercase hex bytes separated by colons.
 *
 * @example
 * ```ts
 * import { formatFingerprint } from "./fingerprint.ts";
 * formatFingerprint(new Uint8Array(32)).slice(0, 15); // "SHA256:00:00:00"
 * ```
 */
export function formatFingerprint(digest: Uint8Array): string {
  return "SHA256:" + [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join(":")
    .toUpperCase();
}

/**
 * Reads a fingerprint as users type or paste it: with or without `SHA256:`, colons or spaces,
 * any case. Returns the canonical form, or undefined if it is not 32 bytes of hex.
 *
 * @example
 * ```ts
 * import { parseFingerprint } from "./fingerprint.ts";
 * parseFingerprint("sha256:" + "ab".repeat(32)); // "SHA256:AB:AB:…"
 * ```
 */
export function parseFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/^sha-?256:?/i, "").replace(/[\s:]/g, "").toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return formatFingerprint(bytes);
}
