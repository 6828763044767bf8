import type { ByteSource } from "../src/transport/mod.ts";

/**
 * A {@linkcode ByteSource} that returns `pieces` one read at a time (a piece larger than the
 * reader's buffer over several reads), then the end, as a socket would.
 */
export function piecesSource(pieces: readonly Uint8Array[]): ByteSource {
  const queue = pieces.map((piece) => piece.slice());
  let next = 0;
  return {
    read(buffer) {
      const piece = queue[next];
      if (piece === undefined) return Promise.resolve(null);
      const length = Math.min(piece.byteLength, buffer.byteLength);
      buffer.set(piece.subarray(0, length));
      if (length < piece.byteLength) queue[next] = piece.subarray(length);
      else next++;
      return Promise.resolve(length);
    },
  };
}

/**
 * Ways to cut `bytes` into pieces: whole, in two at every position, one byte at a time, and
 * in pieces of 2, 3, 7 and 1000 bytes. Each comes with a name for failure messages.
 */
export function chunkings(bytes: Uint8Array): { name: string; pieces: Uint8Array[] }[] {
  const cuts: { name: string; pieces: Uint8Array[] }[] = [{ name: "whole", pieces: [bytes] }];
  for (let at = 1; at < bytes.byteLength; at++) {
    cuts.push({ name: `cut at ${at}`, pieces: [bytes.subarray(0, at), bytes.subarray(at)] });
  }
  for (const size of [1, 2, 3, 7, 1000]) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.byteLength; at += size) pieces.push(bytes.subarray(at, at + size));
    cuts.push({ name: `pieces of ${size}`, pieces });
  }
  return cuts;
}

/** The concatenation of `parts`. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    joined.set(part, at);
    at += part.byteLength;
  }
  return joined;
}
