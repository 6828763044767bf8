/** A 4-byte scratch buffer, to turn the mask into a machine word in the machine's byte order. */
const word = new Uint8Array(4);
const wordView = new Uint32Array(word.buffer);

/**
 * XORs `bytes` in place with the 4-byte masking key, as RFC 6455 section 5.3 masks a client's
 * payload, `bytes` being the payload from byte `position` on. Runs four bytes at a time over
 * the aligned middle: file chunks from browsers come through here a megabyte at a time.
 *
 * @example
 * ```ts
 * import { unmask } from "./unmask.ts";
 * const bytes = new Uint8Array([0x7f, 0x9f, 0x4d, 0x51, 0x58]);
 * unmask(bytes, new Uint8Array([0x37, 0xfa, 0x21, 0x3d]));
 * new TextDecoder().decode(bytes); // "Hello"
 * ```
 */
export function unmask(bytes: Uint8Array, mask: Uint8Array, position = 0): void {
  const length = bytes.byteLength;
  let i = 0;
  // Bytes up to the first 4-byte boundary of the underlying memory, one by one.
  const lead = Math.min(length, (4 - (bytes.byteOffset % 4)) % 4);
  for (; i < lead; i++) bytes[i] ^= mask[(position + i) & 3];
  const words = (length - i) >> 2;
  if (words > 0) {
    for (let k = 0; k < 4; k++) word[k] = mask[(position + i + k) & 3];
    const key = wordView[0];
    const aligned = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) aligned[w] ^= key;
    i += words * 4;
  }
  for (; i < length; i++) bytes[i] ^= mask[(position + i) & 3];
}
