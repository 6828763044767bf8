import { createHash } from "node:crypto";
import { CHUNK_BYTES, type FileInfo } from "../protocol/mod.ts";
import type { ChatClient } from "./chat_client.ts";

/** Where an upload's bytes come from. */
export interface UploadSource {
  name: string;
  /** Known for files, unknown for pipes. */
  size?: number;
  /** SHA-256 of the whole file, when known before sending: it makes the upload resumable. */
  sha256?: string;
  /** The bytes from `offset` on. A source without `sha256` is only ever opened at 0. */
  open(offset: number): Promise<ReadableStream<Uint8Array>>;
}

/** Callbacks of {@linkcode uploadFile}. */
export interface UploadOptions {
  /** Called when the server already holds the first `offset` bytes from an earlier try. */
  onResume?: (offset: number) => void;
  /** Called with the bytes the server has received so far. */
  onProgress?: (bytes: number) => void;
}

/**
 * Uploads a file over a connected client in `CHUNK` frames, never holding more than a chunk in
 * memory, and resolves with the shared file's id once the server has verified its SHA-256.
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
  const hash = source.sha256 === undefined ? createHash("sha256") : undefined;
  let sent = offset;
  options.onProgress?.(sent);
  // Reads come in pieces of whatever size the source likes (64 KiB for files); they are
  // gathered into full chunks, so a transfer takes as few frames and writes as it can.
  const chunk = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  const flush = async () => {
    const data = chunk.subarray(0, filled);
    hash?.update(data);
    await client.sendChunk(transfer, data);
    sent += filled;
    filled = 0;
    options.onProgress?.(sent);
  };
  const stream = await source.open(offset);
  for await (const piece of stream) {
    for (let start = 0; start < piece.byteLength;) {
      const taken = Math.min(CHUNK_BYTES - filled, piece.byteLength - start);
      chunk.set(piece.subarray(start, start + taken), filled);
      filled += taken;
      start += taken;
      if (filled === CHUNK_BYTES) await flush();
    }
  }
  if (filled > 0) await flush();
  const sha256 = source.sha256 ?? hash!.digest("hex");
  const done = await client.call(
    { type: "upload_end", rid: client.rid(), transfer, sha256 },
    "upload_done",
  );
  return { id: done.id, file: done.file };
}

/** SHA-256 (hex) of a file, read a piece at a time. */
export async function hashFile(
  path: string,
  onProgress?: (bytes: number) => void,
): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  // Large reads into one buffer: twice as fast as the 64 KiB pieces of file.readable.
  const buffer = new Uint8Array(1024 * 1024);
  let bytes = 0;
  for (;;) {
    const read = await file.read(buffer);
    if (read === null) break;
    hash.update(buffer.subarray(0, read));
    bytes += read;
    onProgress?.(bytes);
  }
  return hash.digest("hex");
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
      return file.readable;
    },
  };
}
