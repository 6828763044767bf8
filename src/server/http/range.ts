/** The bytes a `Range` request asks for: `start` to `end`, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range` header (RFC 9110 section 14) for a representation of `size` bytes. Returns the
 * one range to send; `undefined` to send everything (no header, another unit, several ranges,
 * or a header that cannot be read, which a server may ignore); `"unsatisfiable"` when the range
 * lies wholly past the end (answered with 416).
 *
 * @example
 * ```ts
 * import { parseRange } from "./range.ts";
 * parseRange("bytes=100-", 1000); // { start: 100, end: 999 }
 * parseRange("bytes=-100", 1000); // { start: 900, end: 999 }
 * parseRange("bytes=2000-", 1000); // "unsatisfiable"
 * ```
 */
export function parseRange(
  header: string | null,
  size: number,
): ByteRange | "unsatisfiable" | undefined {
  if (header === null) return undefined;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return undefined;
  const [, first, last] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    // The last N bytes.
    const suffix = Number(last);
    if (suffix === 0) return "unsatisfiable";
    return size === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return undefined;
  if (start >= size) return "unsatisfiable";
  if (end < start) return undefined;
  return { start, end };
}
