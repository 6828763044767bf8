/**
 * Memory freed just before each leg moves bytes, so that every leg, chat's and socat's alike,
 * starts from the same state of this virtual machine's memory (see
 * {@linkcode holdWarmMemory}).
 *
 * @module
 */
import { writeAll } from "../../tests/support/mod.ts";

const PIECE_BYTES = 1024 * 1024;

/** Warm memory held for a leg; see {@linkcode holdWarmMemory}. */
export interface WarmMemory {
  /** Deletes the scratch file, handing its warm pages to whatever needs memory next. */
  release(): Promise<void>;
}

/**
 * Writes `bytes` bytes to a scratch file in `dir` and keeps it until `release()`, to be called
 * the moment a leg starts moving bytes. This virtual machine reports memory that stays free
 * for about two seconds back to its host (free page reporting), and the first write into such
 * memory then costs a fault per page: writing 1 GiB into the page cache takes 0.2 s in memory
 * freed just before, 1.7–2.7 s in memory freed three or more seconds before. Without this, a
 * leg that starts later after its preparation (send-file hashes the file first) or runs longer
 * pays for it, and socat, which runs at once and briefly, does not. Every leg gets the same:
 * memory freed as it starts.
 */
export async function holdWarmMemory(dir: string, bytes: number): Promise<WarmMemory> {
  const path = `${dir}/warm-up.bin`;
  try {
    using file = await Deno.open(path, { write: true, create: true, truncate: true });
    const piece = new Uint8Array(PIECE_BYTES);
    for (let written = 0; written < bytes; written += PIECE_BYTES) {
      await writeAll(file, piece.subarray(0, Math.min(PIECE_BYTES, bytes - written)));
    }
  } catch (error) {
    await Deno.remove(path).catch(() => {});
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    release: () => released ??= Deno.remove(path).catch(() => {}),
  };
}
