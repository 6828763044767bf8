/**
 * A node's copy of a blob, made while the blob is read from the bucket, and the cutting of
 * what is read into the reader's chunks.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { BlobReadOptions } from "../../chat/blob_store.ts";
import { storageError } from "../_blob_rules.ts";

/**
 * Bytes of a copy that may wait for the disk while a read from the bucket goes on; past that
 * the copy is given up rather than slow the download (here a disk wrote 256 MiB at 125 MB/s
 * once and 1.8 GB/s the next time).
 */
const COPY_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Where {@linkcode copyWhileReading} writes, and what it checks. */
export interface CopyOptions {
  /** The SHA-256 (lowercase hex) the bytes must have to be kept. */
  sha256: string;
  /** A new file to write into. */
  temporary: string;
  /** Where the checked copy goes. */
  target: string;
}

/**
 * Passes on `pieces` as they come, while writing them to `options.temporary`, which becomes
 * `options.target` once all of them were written and have the SHA-256 `options.sha256`. The
 * writes run behind the read and never slow it: when more than
 * {@linkcode COPY_BACKLOG_BYTES} wait for a slow disk, the copy is given up. A wrong SHA-256
 * fails the read (its bytes were sent: the client's own check fails too) and keeps nothing;
 * so does a read stopped early.
 */
export async function* copyWhileReading(
  pieces: AsyncIterable<Uint8Array>,
  options: CopyOptions,
): AsyncGenerator<Uint8Array> {
  const file = await Deno.open(options.temporary, {
    write: true,
    createNew: true,
    mode: 0o600,
  });
  let kept = false;
  let writes = Promise.resolve();
  let backlog = 0;
  let givenUp = false;
  try {
    const hash = createHash("sha256");
    try {
      for await (const piece of pieces) {
        hash.update(piece);
        if (!givenUp && backlog + piece.length > COPY_BACKLOG_BYTES) givenUp = true;
        if (!givenUp) {
          backlog += piece.length;
          writes = writes.then(() => givenUp ? undefined : writeAll(file, piece)).then(
            () => void (backlog -= piece.length),
            () => void (givenUp = true),
          );
        }
        yield piece;
      }
    } catch (error) {
      throw storageError("read", error);
    }
    const received = hash.digest("hex");
    if (received !== options.sha256) {
      throw storageError("read", new Error(`its bytes have the SHA-256 ${received}`));
    }
    await writes;
    if (givenUp) return;
    file.close();
    await Deno.rename(options.temporary, options.target).then(() => kept = true, () => {});
  } finally {
    // Also when the reader stopped early: the file is closed after its last write.
    givenUp = true;
    await writes;
    try {
      file.close();
    } catch {
      // Closed before the rename.
    }
    if (!kept) await Deno.remove(options.temporary).catch(() => {});
  }
}

/**
 * Cuts `pieces` (`total` bytes) into new buffers of `chunkBytes` (the last one shorter), made
 * by `allocate` when given.
 */
export async function* rechunk(
  pieces: AsyncIterable<Uint8Array>,
  total: number,
  options: BlobReadOptions,
): AsyncGenerator<Uint8Array> {
  const allocate = options.allocate ?? ((bytes: number) => new Uint8Array(bytes));
  let left = total;
  let chunk: Uint8Array | undefined;
  let filled = 0;
  for await (const piece of pieces) {
    for (let at = 0; at < piece.length;) {
      chunk ??= allocate(Math.min(options.chunkBytes, left));
      const length = Math.min(chunk.length - filled, piece.length - at);
      chunk.set(piece.subarray(at, at + length), filled);
      filled += length;
      at += length;
      if (filled === chunk.length) {
        left -= filled;
        yield chunk;
        chunk = undefined;
        filled = 0;
      }
    }
  }
  if (left > 0) throw storageError("read", new Error(`${left} bytes are missing at its end`));
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let written = 0;
  while (written < data.byteLength) written += await file.write(data.subarray(written));
}
