/**
 * Random files of any size, written a piece at a time so that none is ever held in memory
 * whole: the file tests send a few megabytes, the file-transfer benchmark gigabytes.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { writeAll } from "./write_all.ts";

/** `crypto.getRandomValues` fills at most this many bytes per call. */
const RANDOM_PIECE = 64 * 1024;
/** Random files are written in pieces of this size. */
const WRITE_PIECE = 1024 * 1024;

/**
 * Fills `buffer` with random bytes, 64 KiB at a time.
 *
 * @example
 * ```ts
 * import { fillRandom } from "./random_file.ts";
 * const key = fillRandom(new Uint8Array(32));
 * ```
 */
export function fillRandom<T extends Uint8Array>(buffer: T): T {
  for (let at = 0; at < buffer.byteLength; at += RANDOM_PIECE) {
    crypto.getRandomValues(buffer.subarray(at, Math.min(at + RANDOM_PIECE, buffer.byteLength)));
  }
  return buffer;
}

/** Options of {@linkcode writeRandomFile}. */
export interface RandomFileOptions {
  /**
   * Sync the file to disk before resolving, so that writing it back does not disturb what is
   * measured next (the benchmark); off unless told.
   */
  sync?: boolean;
}

/**
 * Writes `size` random bytes to `path` in 1 MiB pieces and returns their SHA-256 as lowercase
 * hex, hashed while writing.
 *
 * @example
 * ```ts
 * import { writeRandomFile } from "./random_file.ts";
 * const sha256 = await writeRandomFile(await Deno.makeTempFile(), 1000);
 * ```
 */
export async function writeRandomFile(
  path: string,
  size: number,
  options: RandomFileOptions = {},
): Promise<string> {
  const hash = createHash("sha256");
  const piece = new Uint8Array(Math.min(WRITE_PIECE, Math.max(size, 1)));
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  for (let written = 0; written < size;) {
    const bytes = fillRandom(piece.subarray(0, Math.min(piece.byteLength, size - written)));
    hash.update(bytes);
    await writeAll(file, bytes);
    written += bytes.byteLength;
  }
  if (options.sync) await file.sync();
  return hash.digest("hex");
}
