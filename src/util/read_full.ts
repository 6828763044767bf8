/** Anything read a piece at a time, as `Deno.FsFile` is. */
export interface PieceReader {
  read(buffer: Uint8Array): Promise<number | null>;
}

/**
 * Fills `buffer` unless the source ends first; resolves with the bytes read.
 *
 * @example
 * ```ts ignore
 * const length = await readFull(file, new Uint8Array(1024 * 1024));
 * ```
 */
export async function readFull(reader: PieceReader, buffer: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const length = await reader.read(buffer.subarray(filled));
    if (length === null) break;
    filled += length;
  }
  return filled;
}
