import { allocateChunkData, CHUNK_BYTES, type FileInfo } from "../protocol/mod.ts";
import { incrementalSha256, readFull } from "../util/mod.ts";
import type { ChatClient } from "./chat_client.ts";

/** Where an upload's bytes come from. */
export interface UploadSource {
  name: string;
  /** Known for files, unknown for pipes. */
  size?: number;
  /** SHA-256 of the whole file, when known before sending: it makes the upload resumable. */
  sha256?: string;
  /** The bytes from `offset` on. A source without `sha256` is only ever opened at 0. */
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

/** Callbacks of {@linkcode uploadFile}. */
export interface UploadOptions {
  /** Called when the server already holds the first `offset` bytes from an earlier try. */
  onResume?: (offset: number) => void;
  /** Called with the bytes the server has received so far. */
  onProgress?: (bytes: number) => void;
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
  options: UploadOptions = {},
): Promise<{ id: number; file: FileInfo }> {
  const ready = await client.call({
    type: "upload",
    rid: client.rid(),
    name: source.name,
    size: source.size,
    sha256: source.sha256,
  }, "upload_ready");
  const { transfer, offset } = ready;
  if (offset > 0) options.onResume?.(offset);
  // A pipe is hashed as it goes, on another thread when it is large.
  const hash = source.sha256 === undefined
    ? incrementalSha256({ expectedBytes: source.size })
    : undefined;
  try {
    let sent = offset;
    options.onProgress?.(sent);
    const reader = await source.open(offset);
    try {
      const buffers = [allocateChunkData(CHUNK_BYTES), allocateChunkData(CHUNK_BYTES)];
      let sending: Promise<void> = Promise.resolve();
      for (let turn = 0;; turn++) {
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
        if (filled < CHUNK_BYTES) break;
      }
      await sending;
    } finally {
      reader.close();
    }
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

/** SHA-256 (hex) of a file, read a piece at a time. */
export async function hashFile(
  path: string,
  onProgress?: (bytes: number) => void,
): Promise<string> {
  using file = await Deno.open(path);
  const { size } = await file.stat();
  const hash = incrementalSha256({ expectedBytes: size });
  try {
    // Large reads into one buffer: twice as fast as the 64 KiB pieces of file.readable. The
    // next piece is read while the hashing thread works on the last.
    const buffer = new Uint8Array(1024 * 1024);
    let bytes = 0;
    for (;;) {
      const read = await file.read(buffer);
      if (read === null) break;
      await hash.update(buffer.subarray(0, read));
      bytes += read;
      onProgress?.(bytes);
    }
    return await hash.digest();
  } finally {
    hash.close();
  }
}

/** An {@linkcode UploadSource} for a file on disk: hashed first so it can resume. */
export async function fileSource(
  path: string,
  options: { name?: string; onHashProgress?: (bytes: number) => void } = {},
): Promise<UploadSource> {
  const info = await Deno.stat(path);
  if (!info.isFile) throw new Deno.errors.InvalidData(`${path} is not a regular file`);
  const sha256 = await hashFile(path, options.onHashProgress);
  return {
    name: options.name ?? path,
    size: info.size,
    sha256,
    async open(offset) {
      const file = await Deno.open(path);
      await file.seek(offset, Deno.SeekMode.Start);
      return file;
    },
  };
}
