/**
 * Uploading a file over a connected client, whatever the file is (a file on disk, a pipe, a
 * browser's `File`) and whatever hashes it: runtime-neutral, so `chat send-file`, `/file` and
 * the web page share it.
 *
 * @module
 */
import { allocateChunkData, CHUNK_BYTES, type FileInfo } from "../protocol/mod.ts";
import type { Sha256Hasher } from "../util/portable_sha256.ts";
import { readFull } from "../util/read_full.ts";
import type { ChatClient } from "./chat_client.ts";
import { ChatError } from "./chat_error.ts";

/** Where an upload's bytes come from. */
export interface UploadSource {
  name: string;
  /** Known for files, unknown for pipes. */
  size?: number;
  /** SHA-256 of the whole file, when known before sending: it makes the upload resumable. */
  sha256?: string;
  /**
   * A key for this file of the client's choosing, with `size` known: the upload is resumable
   * without hashing the file first (PROTOCOL.md section 6.2). After a resume the source is read
   * again from 0 up to the offset, to hash what the server already holds.
   */
  resumeKey?: string;
  /** The bytes from `offset` on. A source without `sha256` or `resumeKey` is opened at 0 only. */
  open(offset: number): Promise<SourceReader>;
}

/** Reads an upload's bytes into buffers it is given, as `Deno.FsFile` does. */
export interface SourceReader {
  /** Reads into `buffer`; resolves with the count, or null at the end. */
  read(buffer: Uint8Array): Promise<number | null>;
  /**
   * The same, blocking, for a source that never makes the reader wait long (a file): used when
   * given, since it saves a hand-over to another thread for every read.
   */
  readSync?(buffer: Uint8Array): number | null;
  close(): void;
}

/** Settings of {@linkcode uploadFile}. */
export interface UploadOptions {
  /**
   * Starts the SHA-256 of a source that does not know its own (a pipe, a browser's file): the
   * server checks it at the end. `expectedBytes` is the source's size, when known.
   */
  createHash(options: { expectedBytes?: number }): Sha256Hasher;
  /** Bytes of file data per `CHUNK` frame. Default {@linkcode CHUNK_BYTES}. */
  chunkBytes?: number;
  /** Called when the server already holds the first `offset` bytes from an earlier try. */
  onResume?: (offset: number) => void;
  /** Called with the bytes the server has received so far. */
  onProgress?: (bytes: number) => void;
  /** Cancels the upload: the server drops it and the upload rejects with `cancelled`. */
  signal?: AbortSignal;
  /**
   * Shares the file with this nick only, as a private message (PROTOCOL.md section 6.4): only
   * the two of you can list or fetch it. Without it, the file is shared with the room.
   */
  to?: string;
}

/**
 * Uploads a file over a connected client in `CHUNK` frames and resolves with the shared file's
 * id once the server has verified its SHA-256. Two chunk buffers take turns: the next chunk is
 * read while the last is being sent, and each is read straight into its frame, so its bytes
 * are never copied and never more than two chunks are in memory.
 */
export async function uploadFile(
  client: ChatClient,
  source: UploadSource,
  options: UploadOptions,
): Promise<{ id: number; file: FileInfo }> {
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const ready = await client.call({
    type: "upload",
    rid: client.rid(),
    name: source.name,
    size: source.size,
    sha256: source.sha256,
    resume_key: source.sha256 === undefined ? source.resumeKey : undefined,
    to: options.to,
  }, "upload_ready");
  const { transfer, offset } = ready;
  const cancelled = () => {
    client.request({ type: "upload_cancel", transfer });
    return new ChatError("cancelled", `The upload of ${source.name} was cancelled.`);
  };
  if (offset > 0) options.onResume?.(offset);
  // A pipe is hashed as it goes (in the terminal on another thread when it is large).
  const hash = source.sha256 === undefined
    ? options.createHash({ expectedBytes: source.size })
    : undefined;
  try {
    // Resumed by key: what the server holds already is hashed from the file itself.
    if (hash !== undefined && offset > 0) await hashPrefix(source, offset, hash, chunkBytes);
    let sent = offset;
    options.onProgress?.(sent);
    const reader = await source.open(offset);
    try {
      const buffers = [allocateChunkData(chunkBytes), allocateChunkData(chunkBytes)];
      let sending: Promise<void> = Promise.resolve();
      for (let turn = 0;; turn++) {
        if (options.signal?.aborted) throw cancelled();
        // The buffer of two turns ago: its send has finished, since the last one began after.
        const filled = reader.readSync === undefined
          ? await readFull(reader, buffers[turn % 2])
          : readFullSync(reader.readSync.bind(reader), buffers[turn % 2]);
        await sending;
        if (filled === 0) break;
        const data = buffers[turn % 2].subarray(0, filled);
        await hash?.update(data);
        sending = client.sendChunk(transfer, data).then(() => {
          sent += filled;
          options.onProgress?.(sent);
        });
        // Seen by the `await` above, after the next read: not an unhandled rejection meanwhile.
        sending.catch(() => {});
        if (filled < chunkBytes) break;
      }
      await sending;
    } finally {
      reader.close();
    }
    if (options.signal?.aborted) throw cancelled();
    const sha256 = source.sha256 ?? await hash!.digest();
    const done = await client.call(
      { type: "upload_end", rid: client.rid(), transfer, sha256 },
      "upload_done",
    );
    return { id: done.id, file: done.file };
  } finally {
    hash?.close();
  }
}

/** Feeds the first `bytes` bytes of `source` to `hash`. */
async function hashPrefix(
  source: UploadSource,
  bytes: number,
  hash: Sha256Hasher,
  chunkBytes: number,
): Promise<void> {
  const reader = await source.open(0);
  try {
    const buffer = new Uint8Array(Math.min(chunkBytes, bytes));
    for (let left = bytes; left > 0;) {
      const filled = await readFull(reader, buffer.subarray(0, Math.min(buffer.length, left)));
      if (filled === 0) throw new ChatError("changed", `${source.name} is shorter than before.`);
      await hash.update(buffer.subarray(0, filled));
      left -= filled;
    }
  } finally {
    reader.close();
  }
}

/** Fills `buffer` unless the source ends first; returns the bytes read. */
function readFullSync(read: (buffer: Uint8Array) => number | null, buffer: Uint8Array): number {
  let filled = 0;
  while (filled < buffer.length) {
    const length = read(buffer.subarray(filled));
    if (length === null) break;
    filled += length;
  }
  return filled;
}
