/**
 * The head of an HTTP/1.1 request (RFC 9112 sections 3 and 5): its request line and header
 * fields, parsed from bytes with no socket code.
 *
 * @module
 */

/** A request's line and header fields. */
export interface RequestHead {
  /** `GET`, `HEAD`, … as sent (methods are case-sensitive). */
  method: string;
  /** The request target as sent: `/app.js?v=2`. */
  target: string;
  /** `HTTP/1.1` or `HTTP/1.0`; any other is parsed, and refused by the server. */
  version: string;
  headers: Headers;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^\s]+) (HTTP\/\d\.\d)$/;
/** Field values: visible characters, spaces, tabs and obs-text; never CR, LF or NUL. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Fields a request may carry once only: two would let two readers see two requests. */
const SINGLE_FIELDS = new Set(["host", "content-length"]);

/**
 * Parses a request head: the request line and the header lines, each ended by CRLF (or a lone
 * LF, RFC 9112 section 2.2), without the empty line after them. Bytes are read as Latin-1.
 *
 * @throws {SyntaxError} when the request line or a header line is malformed, a field name is
 * followed by whitespace, a line is folded (obs-fold), or `Host` or `Content-Length` appears
 * twice.
 *
 * @example
 * ```ts
 * import { parseRequestHead } from "./request_head.ts";
 * const bytes = new TextEncoder().encode("GET /app.js HTTP/1.1\r\nHost: chat.lan:7778\r\n");
 * const head = parseRequestHead(bytes);
 * console.log(head.method, head.target, head.headers.get("host")); // GET /app.js chat.lan:7778
 * ```
 */
export function parseRequestHead(bytes: Uint8Array): RequestHead {
  const lines = latin1(bytes).split("\n").map((line) =>
    line.endsWith("\r") ? line.slice(0, -1) : line
  );
  if (lines.at(-1) === "") lines.pop();
  const requestLine = lines.shift() ?? "";
  const parts = requestLine.match(REQUEST_LINE);
  if (parts === null) {
    throw new SyntaxError(`Request line ${JSON.stringify(requestLine.slice(0, 80))} is malformed`);
  }
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = colon === -1 ? "" : line.slice(0, colon);
    if (!TOKEN.test(name)) {
      throw new SyntaxError(`Header line ${JSON.stringify(line.slice(0, 80))} is malformed`);
    }
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    if (!FIELD_VALUE.test(value)) {
      throw new SyntaxError(`Header ${name} has a character a header value may not hold`);
    }
    if (SINGLE_FIELDS.has(name.toLowerCase()) && headers.has(name)) {
      throw new SyntaxError(`Header ${name} appears twice`);
    }
    headers.append(name, value);
  }
  return { method: parts[1], target: parts[2], version: parts[3], headers };
}

/**
 * The path of a request target in origin form (`/a/b?c`) or absolute form
 * (`http://host/a/b`), with dot segments resolved as a URL's are; undefined for any other form.
 *
 * @example
 * ```ts
 * import { targetPath } from "./request_head.ts";
 * targetPath("/app.js?v=2"); // "/app.js"
 * targetPath("/../../etc/passwd"); // "/etc/passwd"
 * targetPath("*"); // undefined
 * ```
 */
export function targetPath(target: string): string | undefined {
  if (!target.startsWith("/") && !/^https?:\/\//i.test(target)) return undefined;
  try {
    return new URL(target, "http://server.invalid").pathname;
  } catch {
    return undefined;
  }
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let offset = 0; offset < bytes.byteLength; offset += 4096) {
    text += String.fromCharCode(...bytes.subarray(offset, offset + 4096));
  }
  return text;
}
