/**
 * Something bytes are read from, a few at a time: a `Deno.Conn` is one, and so is a test's
 * scripted source. Resolves with the number of bytes written into `buffer`, or null at the end.
 */
export interface ByteSource {
  read(buffer: Uint8Array): Promise<number | null>;
}
