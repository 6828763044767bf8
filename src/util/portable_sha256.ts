/**
 * SHA-256 in plain JavaScript, for where neither `node:crypto` nor `crypto.subtle` can be had: a
 * browser on a page served over plain HTTP from a LAN address is not a secure context, so it has
 * no `crypto.subtle`, and `crypto.subtle` cannot hash piece by piece anyway. It uses the audited
 * `@noble/hashes` rather than a hand-written compression function.
 *
 * @module
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/**
 * A SHA-256 fed piece by piece: what an upload or a download needs to check a file it never holds
 * whole. `update()` and `digest()` may return promises (a hash on another thread does), so
 * callers `await` them.
 */
export interface Sha256Hasher {
  /** Adds `data`; it may be reused once the returned promise (if any) resolves. */
  update(data: Uint8Array): Promise<void> | void;
  /** The SHA-256, 64 lowercase hex digits, of everything added; the hash ends. */
  digest(): Promise<string> | string;
  /** Abandons the hash; safe to call at any time, and twice. */
  close(): void;
}

/** A {@linkcode Sha256Hasher} that works synchronously. */
export interface PortableSha256 extends Sha256Hasher {
  update(data: Uint8Array): void;
  digest(): string;
}

/**
 * Starts a SHA-256 on this thread, in plain JavaScript, that runs in any JavaScript runtime.
 * Adding data after `digest()` throws.
 *
 * @example
 * ```ts
 * import { portableSha256 } from "./portable_sha256.ts";
 * const hash = portableSha256();
 * hash.update(new TextEncoder().encode("ab"));
 * hash.update(new TextEncoder().encode("c"));
 * hash.digest(); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function portableSha256(): PortableSha256 {
  const hash = sha256.create();
  let hex: string | undefined;
  return {
    update(data) {
      if (hex !== undefined) throw new TypeError("The SHA-256 was already finished by digest()");
      hash.update(data);
    },
    digest() {
      return hex ??= bytesToHex(hash.digest());
    },
    close() {},
  };
}
