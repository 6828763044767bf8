/**
 * Upload sources on disk, for `chat send-file` and `/file` in `chat join`: a file is hashed
 * first, so that an interrupted upload can resume where it stopped.
 *
 * @module
 */
import { incrementalSha256 } from "../util/mod.ts";
import type { UploadSource } from "./file_upload.ts";

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
