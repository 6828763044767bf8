/**
 * The benchmark's input file and small numeric helpers.
 *
 * @module
 */
import { randomFillSync } from "node:crypto";

const PIECE_BYTES = 1024 * 1024;

/**
 * Writes `bytes` random bytes to `path` a piece at a time, then syncs it, so that writing it
 * back to disk does not disturb the measurements that follow.
 */
export async function writeRandomFile(path: string, bytes: number): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const piece = new Uint8Array(PIECE_BYTES);
  for (let written = 0; written < bytes;) {
    const view = piece.subarray(0, Math.min(PIECE_BYTES, bytes - written));
    randomFillSync(view);
    for (let offset = 0; offset < view.byteLength;) {
      offset += await file.write(view.subarray(offset));
    }
    written += view.byteLength;
  }
  await file.sync();
}

/**
 * Writes `bytes` bytes to a scratch file in `dir` and deletes it. A virtual machine may hand
 * memory freed a while ago back to its host (free page reporting), and the first write into
 * it then costs a fault per page; without this, whichever leg runs first after a pause pays
 * for that, up to 1.5 s per GiB here. Every leg starts after this, on equal terms.
 */
export async function warmPageCache(dir: string, bytes: number): Promise<void> {
  const path = `${dir}/warm-up.bin`;
  try {
    using file = await Deno.open(path, { write: true, create: true, truncate: true });
    const piece = new Uint8Array(PIECE_BYTES);
    for (let written = 0; written < bytes; written += PIECE_BYTES) {
      const view = piece.subarray(0, Math.min(PIECE_BYTES, bytes - written));
      for (let offset = 0; offset < view.byteLength;) {
        offset += await file.write(view.subarray(offset));
      }
    }
  } finally {
    await Deno.remove(path).catch(() => {});
  }
}

/** `64M`, `1G`, `1048576`: K, M, G are powers of 1024. */
export function parseSize(text: string): number {
  const match = /^(\d+)([KMG]?)$/i.exec(text.trim());
  const units: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
  const unit = match === null ? undefined : units[match[2].toUpperCase()];
  const value = match === null || unit === undefined ? NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Size "${text}" is not a number of bytes or K, M, G such as 64M or 1G`);
  }
  return value;
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
