/**
 * Whole writes: `Deno.Conn.write` and `Deno.FsFile.write` may take fewer bytes than they are
 * given, and a raw protocol client that drops the rest sends half a frame.
 *
 * @module
 */

/** Anything that takes bytes a piece at a time: a `Deno.Conn`, a `Deno.FsFile`, a test link. */
export interface PartialWriter {
  /** Writes some of `bytes`; resolves with how many. */
  write(bytes: Uint8Array): Promise<number>;
}

/**
 * Writes all of `bytes` to `writer`.
 *
 * @example
 * ```ts
 * import { writeAll } from "./write_all.ts";
 * using file = await Deno.open(await Deno.makeTempFile(), { write: true });
 * await writeAll(file, new TextEncoder().encode("hello"));
 * ```
 */
export async function writeAll(writer: PartialWriter, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await writer.write(bytes.subarray(written));
}
