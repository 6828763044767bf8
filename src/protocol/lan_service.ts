/**
 * How a server describes itself to machines looking for it on the LAN (PROTOCOL.md section 9):
 * a DNS-SD service of type `_chat._tcp.local` whose SRV record gives the chat port and whose TXT
 * record carries the rest as `key=value` strings. Written by the server's announcer and read by
 * `chat discover`; pure, so both sides and their tests share one definition.
 *
 * @module
 */
import { parseFingerprint } from "./fingerprint.ts";

/** The DNS-SD service type every chat server announces. */
export const SERVICE_TYPE = "_chat._tcp.local";

/**
 * Longest server name in UTF-8 bytes: the name is also the service's instance label, and a DNS
 * label holds at most 63 bytes.
 */
export const MAX_SERVICE_NAME_BYTES = 63;

/** What a server's TXT record says; its chat port and addresses are in the SRV and A records. */
export interface ServiceTxt {
  /** The protocol version it speaks (`hello.v`). */
  version: number;
  /** The name people know it by, such as `Room 214`. */
  name: string;
  /** The web client's port, when it serves one. */
  webPort?: number;
  /** With TLS: its certificate's fingerprint, as `formatFingerprint` writes it. */
  fingerprint?: string;
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

/**
 * Returns why `name` cannot name a server on the network (empty, over 63 bytes, or with control
 * characters), or `undefined` when it can.
 *
 * @example
 * ```ts
 * import { serviceNameProblem } from "./lan_service.ts";
 * serviceNameProblem("Room 214"); // undefined
 * serviceNameProblem(""); // "The server's name must not be empty."
 * ```
 */
export function serviceNameProblem(name: string): string | undefined {
  if (name.trim() === "") return "The server's name must not be empty.";
  const bytes = new TextEncoder().encode(name).byteLength;
  if (bytes > MAX_SERVICE_NAME_BYTES) {
    return `The server's name "${name.slice(0, 40)}" is ${bytes} bytes long in UTF-8; the limit ` +
      `is ${MAX_SERVICE_NAME_BYTES}.`;
  }
  if (CONTROL.test(name)) {
    return `The server's name ${JSON.stringify(name)} has control characters.`;
  }
  return undefined;
}

/**
 * The strings of a server's TXT record: `v` first (as DNS-SD advises, so a reader knows how to
 * read the rest), then `name`, `web` when there is a web client, and `fp` (the fingerprint as 64
 * hex digits, as invite links write it) when the server runs with TLS.
 *
 * @example
 * ```ts
 * import { encodeServiceTxt } from "./lan_service.ts";
 * encodeServiceTxt({ version: 1, name: "Room 214", webPort: 7778 });
 * // ["v=1", "name=Room 214", "web=7778"]
 * ```
 */
export function encodeServiceTxt(txt: ServiceTxt): string[] {
  const strings = [`v=${txt.version}`, `name=${txt.name}`];
  if (txt.webPort !== undefined) strings.push(`web=${txt.webPort}`);
  if (txt.fingerprint !== undefined) {
    strings.push(`fp=${txt.fingerprint.replace(/^SHA256:/, "").replaceAll(":", "").toLowerCase()}`);
  }
  return strings;
}

/**
 * Reads a TXT record as {@linkcode encodeServiceTxt} writes it, from its strings as text or as
 * the bytes a DNS packet holds. Keys are read regardless of case and the first of a key wins
 * (RFC 6763 section 6.4); unknown keys are ignored, so later versions may add some. Returns
 * `undefined` for a record that is not a chat server's: without a numeric `v` or a `name`, or
 * with an `fp` that is not a SHA-256 fingerprint. A `web` that is not a port is left out.
 *
 * @example
 * ```ts
 * import { decodeServiceTxt } from "./lan_service.ts";
 * decodeServiceTxt(["v=1", "name=Room 214", "web=7778"]);
 * // { version: 1, name: "Room 214", webPort: 7778 }
 * decodeServiceTxt(["path=/printer"]); // undefined
 * ```
 */
export function decodeServiceTxt(
  strings: readonly (string | Uint8Array)[],
): ServiceTxt | undefined {
  const pairs = new Map<string, string>();
  const decoder = new TextDecoder();
  for (const entry of strings) {
    const text = typeof entry === "string" ? entry : decoder.decode(entry);
    const equals = text.indexOf("=");
    if (equals <= 0) continue;
    const key = text.slice(0, equals).toLowerCase();
    if (!pairs.has(key)) pairs.set(key, text.slice(equals + 1));
  }
  const version = pairs.get("v");
  const name = pairs.get("name");
  if (version === undefined || !/^\d{1,9}$/.test(version) || !name) return undefined;
  const txt: ServiceTxt = { version: Number(version), name };
  const web = pairs.get("web");
  if (web !== undefined && /^\d{1,5}$/.test(web) && Number(web) >= 1 && Number(web) <= 65535) {
    txt.webPort = Number(web);
  }
  const fp = pairs.get("fp");
  if (fp !== undefined) {
    const fingerprint = parseFingerprint(fp);
    if (fingerprint === undefined) return undefined;
    txt.fingerprint = fingerprint;
  }
  return txt;
}
