/**
 * Random identifiers and secrets, and the SHA-256 under which secrets are kept. Web Crypto only,
 * so the domain stays free of runtime APIs.
 *
 * @module
 */

/** Crockford's base32 alphabet, lowercase: no i, l, o or u, so codes read aloud are hard to mistype. */
export const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

/** `bytes` random bytes as lowercase hex. */
export function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `chars` random characters of {@linkcode BASE32}: 5 bits each. */
export function randomBase32(chars: number): string {
  return [...crypto.getRandomValues(new Uint8Array(chars))].map((byte) => BASE32[byte & 31])
    .join("");
}

/** The SHA-256 of `text` (UTF-8) as lowercase hex. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
