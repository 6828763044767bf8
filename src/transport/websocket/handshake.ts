/**
 * The server's side of the WebSocket opening handshake (RFC 6455 section 4.2): whether a
 * request is one, and the `Sec-WebSocket-Accept` that proves the server understood it.
 *
 * @module
 */

/** The GUID RFC 6455 appends to the client's key. */
const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const encoder = new TextEncoder();

/** Why a request is not a WebSocket handshake the server takes: an HTTP status and a sentence. */
export interface HandshakeRefusal {
  status: 400 | 405 | 426;
  message: string;
  /** Headers the refusal must carry (the versions spoken, for 426). */
  headers: Record<string, string>;
}

/**
 * Checks a request that asked for `Upgrade: websocket` against RFC 6455 section 4.2.1: a GET,
 * `Connection: Upgrade`, `Sec-WebSocket-Version: 13` and a key of 16 base64-encoded bytes.
 * Returns why it is refused, or undefined when it is a valid opening handshake.
 *
 * @example
 * ```ts
 * import { refuseHandshake } from "./handshake.ts";
 * const headers = new Headers({
 *   upgrade: "websocket",
 *   connection: "keep-alive, Upgrade",
 *   "sec-websocket-version": "13",
 *   "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
 * });
 * refuseHandshake("GET", headers); // undefined
 * refuseHandshake("POST", headers)?.status; // 405
 * ```
 */
export function refuseHandshake(method: string, headers: Headers): HandshakeRefusal | undefined {
  if (method !== "GET") {
    return { status: 405, message: "A WebSocket is opened with GET.", headers: { allow: "GET" } };
  }
  if (!hasToken(headers.get("connection"), "upgrade")) {
    return refusal(400, 'A WebSocket handshake needs "Connection: Upgrade".');
  }
  if (headers.get("sec-websocket-version") !== "13") {
    return {
      status: 426,
      message: "Only WebSocket version 13 is spoken here.",
      headers: { "sec-websocket-version": "13" },
    };
  }
  if (!isValidKey(headers.get("sec-websocket-key"))) {
    return refusal(400, "The Sec-WebSocket-Key is not 16 bytes in base64.");
  }
  return undefined;
}

/** Whether a comma-separated header value holds `token`, in any case. */
export function hasToken(value: string | null, token: string): boolean {
  return value?.split(",").some((part) => part.trim().toLowerCase() === token) ?? false;
}

function refusal(status: 400, message: string): HandshakeRefusal {
  return { status, message, headers: {} };
}

function isValidKey(key: string | null): boolean {
  if (key === null || !/^[A-Za-z0-9+/]{22}==$/.test(key.trim())) return false;
  return atob(key.trim()).length === 16;
}

/**
 * The `Sec-WebSocket-Accept` answer to a `Sec-WebSocket-Key`: the base64 SHA-1 of the key and
 * the RFC's GUID.
 *
 * @example
 * ```ts
 * import { acceptKey } from "./handshake.ts";
 * await acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * ```
 */
export async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", encoder.encode(key.trim() + HANDSHAKE_GUID));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}
