/**
 * HTTP/1.1 responses (RFC 9112 sections 4 to 7) and how they are written to a connection.
 *
 * @module
 */

/** A response, as a handler returns it. */
export interface HttpResponse {
  status: number;
  /** Header fields, lowercase names; `content-length` and `connection` are set when written. */
  headers?: Record<string, string>;
  /**
   * The body: bytes, or chunks produced while they are written (a file read piece by piece,
   * never held whole), in which case `length` gives its size when known.
   */
  body?: Uint8Array | AsyncIterable<Uint8Array>;
  /** The size of an iterable body; without it the body is sent chunked. */
  length?: number;
}

/** Where a response is written: a `Deno.Conn` is one. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<number>;
}

/** Options of {@linkcode writeResponse}. */
export interface WriteResponseOptions {
  /** Answering HEAD: the head only. */
  head?: boolean;
  /** Says `Connection: close`: the connection ends after this response. */
  close?: boolean;
  /** Called after each write that moved bytes: the connection is making progress. */
  progress?: () => void;
}

const REASONS: Record<number, string> = {
  101: "Switching Protocols",
  200: "OK",
  206: "Partial Content",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Content Too Large",
  416: "Range Not Satisfiable",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

/** Bodies up to this size are written with their head in one write. */
const JOINED_UP_TO_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/**
 * The status line and header fields of `response`, with `content-length` (or
 * `transfer-encoding: chunked`) and `connection: close` added as the body and `close` require.
 *
 * @example
 * ```ts
 * import { encodeResponseHead } from "./response.ts";
 * const head = encodeResponseHead({ status: 404, body: new Uint8Array(3) }, { close: true });
 * new TextDecoder().decode(head);
 * // "HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\nconnection: close\r\n\r\n"
 * ```
 */
export function encodeResponseHead(
  response: HttpResponse,
  options: { close?: boolean } = {},
): Uint8Array {
  let head = `HTTP/1.1 ${response.status} ${REASONS[response.status] ?? "Unknown"}\r\n`;
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    head += `${name}: ${value}\r\n`;
  }
  if (response.status !== 101) {
    const length = response.body instanceof Uint8Array
      ? response.body.byteLength
      : response.body === undefined
      ? 0
      : response.length;
    head += length === undefined
      ? "transfer-encoding: chunked\r\n"
      : `content-length: ${length}\r\n`;
  }
  if (options.close) head += "connection: close\r\n";
  return encoder.encode(`${head}\r\n`);
}

/**
 * Writes `response` to `sink`: its head, then its body (none for HEAD). An iterable body is
 * written chunk by chunk as it is produced, so only one chunk is ever held.
 *
 * @throws {RangeError} when an iterable body's size differs from its `length`: the connection
 * must be closed, its framing is lost.
 *
 * @example
 * ```ts ignore
 * await writeResponse(conn, { status: 200, body: new TextEncoder().encode("hi") });
 * ```
 */
export async function writeResponse(
  sink: ByteSink,
  response: HttpResponse,
  options: WriteResponseOptions = {},
): Promise<void> {
  const head = encodeResponseHead(response, options);
  const body = options.head ? undefined : response.body;
  if (body === undefined) return await writeAll(sink, head, options.progress);
  if (body instanceof Uint8Array) {
    if (body.byteLength > JOINED_UP_TO_BYTES) {
      await writeAll(sink, head, options.progress);
      return await writeAll(sink, body, options.progress);
    }
    const joined = new Uint8Array(head.byteLength + body.byteLength);
    joined.set(head);
    joined.set(body, head.byteLength);
    return await writeAll(sink, joined, options.progress);
  }
  await writeAll(sink, head, options.progress);
  let written = 0;
  for await (const chunk of body) {
    if (chunk.byteLength === 0) continue;
    written += chunk.byteLength;
    if (response.length !== undefined && written > response.length) break;
    if (response.length === undefined) {
      await writeAll(
        sink,
        encoder.encode(`${chunk.byteLength.toString(16)}\r\n`),
        options.progress,
      );
    }
    await writeAll(sink, chunk, options.progress);
    if (response.length === undefined) {
      await writeAll(sink, encoder.encode("\r\n"), options.progress);
    }
  }
  if (response.length === undefined) return await writeAll(sink, encoder.encode("0\r\n\r\n"));
  if (written !== response.length) {
    throw new RangeError(`Body of ${written} bytes differs from its length ${response.length}`);
  }
}

async function writeAll(
  sink: ByteSink,
  bytes: Uint8Array,
  progress?: () => void,
): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    written += await sink.write(bytes.subarray(written));
    progress?.();
  }
}
