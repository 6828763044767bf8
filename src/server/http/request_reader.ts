import type { ByteSource } from "../../transport/mod.ts";
import { parseRequestHead, type RequestHead } from "./request_head.ts";

/** What an idle connection reads into: small, as thousands of idle connections each hold one. */
const IDLE_READ_BYTES = 1024;
/**
 * The largest request head taken, from its request line to the empty line that ends it (as
 * nginx's default, 16 KiB).
 */
export const MAX_HEAD_BYTES = 16 * 1024;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads request heads, one after the other, from a connection: pipelined requests are returned
 * in order, and the bytes after the last head stay buffered (a WebSocket's first frames, after
 * its handshake). A head may arrive in any number of pieces; the buffer grows only as they come,
 * up to `maxHeadBytes`. No request body is ever read: the server refuses requests that have one.
 *
 * @example
 * ```ts
 * import { RequestReader } from "./request_reader.ts";
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\n");
 * const reader = new RequestReader({ read: () => Promise.resolve(null) }, { buffered: bytes });
 * (await reader.next())?.target; // "/"
 * await reader.next(); // null: the second request never ended
 * ```
 */
export class RequestReader {
  readonly #source: ByteSource;
  readonly #maxHeadBytes: number;
  #buffer: Uint8Array;
  #start = 0;
  #end = 0;

  constructor(
    source: ByteSource,
    options: { maxHeadBytes?: number; buffered?: Uint8Array } = {},
  ) {
    this.#source = source;
    this.#maxHeadBytes = options.maxHeadBytes ?? MAX_HEAD_BYTES;
    const buffered = options.buffered ?? new Uint8Array(0);
    this.#buffer = new Uint8Array(Math.max(IDLE_READ_BYTES, buffered.byteLength));
    this.#buffer.set(buffered);
    this.#end = buffered.byteLength;
  }

  /** Whether any bytes of a next request have arrived. */
  get buffered(): boolean {
    return this.#end > this.#start;
  }

  /**
   * The next request's head; null when the connection ends (or fails) before one is complete.
   * Empty lines before a request line are skipped (RFC 9112 section 2.2).
   *
   * @throws {RangeError} when the head exceeds `maxHeadBytes` (the server answers 431).
   * @throws {SyntaxError} when it is malformed (the server answers 400).
   */
  async next(): Promise<RequestHead | null> {
    let scanned = 0;
    for (;;) {
      while (this.#start < this.#end && isLineEnd(this.#buffer[this.#start])) this.#start++;
      const end = findHeadEnd(this.#buffer.subarray(this.#start, this.#end), scanned);
      if (end !== undefined) {
        if (end.next > this.#maxHeadBytes) throw tooLarge(this.#maxHeadBytes);
        const head = this.#buffer.subarray(this.#start, this.#start + end.head);
        this.#start += end.next;
        const request = parseRequestHead(head);
        if (this.#start === this.#end) this.#reset();
        return request;
      }
      scanned = Math.max(0, this.#end - this.#start - 3);
      if (this.#end - this.#start >= this.#maxHeadBytes) throw tooLarge(this.#maxHeadBytes);
      if (!await this.#readMore()) return null;
    }
  }

  /** Takes the bytes received after the last head, leaving none buffered. */
  takeBuffered(): Uint8Array {
    const rest = this.#buffer.slice(this.#start, this.#end);
    this.#reset();
    return rest;
  }

  /** Reads once more, making room first; false at the end of the stream or on a failure. */
  async #readMore(): Promise<boolean> {
    if (this.#start > 0) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
      this.#end -= this.#start;
      this.#start = 0;
    }
    if (this.#end === this.#buffer.byteLength) {
      // Doubling as the head arrives, up to the limit.
      const grown = new Uint8Array(Math.min(this.#buffer.byteLength * 2, this.#maxHeadBytes));
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    let read: number | null;
    try {
      read = await this.#source.read(this.#buffer.subarray(this.#end));
    } catch {
      return false;
    }
    if (read === null) return false;
    this.#end += read;
    return true;
  }

  /** Back to an empty idle-sized buffer. */
  #reset(): void {
    this.#start = this.#end = 0;
    if (this.#buffer.byteLength > IDLE_READ_BYTES) this.#buffer = new Uint8Array(IDLE_READ_BYTES);
  }
}

/**
 * Where the head in `bytes` ends: `head` is its length without the empty line, `next` where the
 * next bytes begin. Searches from `from` on (bytes before it were searched already).
 */
function findHeadEnd(bytes: Uint8Array, from: number): { head: number; next: number } | undefined {
  for (let i = bytes.indexOf(LF, from); i !== -1; i = bytes.indexOf(LF, i + 1)) {
    // An empty line: LF LF, or LF CR LF.
    if (bytes[i + 1] === LF) return { head: i + 1, next: i + 2 };
    if (bytes[i + 1] === CR && bytes[i + 2] === LF) return { head: i + 1, next: i + 3 };
  }
  return undefined;
}

function isLineEnd(byte: number): boolean {
  return byte === CR || byte === LF;
}

function tooLarge(limit: number): RangeError {
  return new RangeError(`Request head exceeds the limit of ${limit} bytes`);
}
