import { parseFingerprint } from "./fingerprint.ts";

/** What an invite link says: where the server is, and the invite. */
export interface InviteLink {
  hostname: string;
  /** The web client's port. */
  webPort: number;
  /** The chat port, for terminal clients. */
  chatPort: number;
  /** The invite token. */
  token: string;
  tls: boolean;
  /** With TLS: the certificate's fingerprint, as `formatFingerprint` writes it. */
  fingerprint?: string;
}

/**
 * Writes an invite link: the web client's address with the invite in its `#fragment`, which a
 * browser never sends to the server, as PROTOCOL.md section 2.4 describes. The same link serves
 * `chat join LINK`.
 *
 * @example
 * ```ts
 * import { formatInviteLink } from "./invite_link.ts";
 * formatInviteLink({ hostname: "192.168.1.20", webPort: 7778, chatPort: 7777, token: "abc", tls: false });
 * // "http://192.168.1.20:7778/#invite=abc&chat=7777"
 * ```
 */
export function formatInviteLink(link: InviteLink): string {
  const host = link.hostname.includes(":") ? `[${link.hostname}]` : link.hostname;
  const fragment = new URLSearchParams({ invite: link.token, chat: String(link.chatPort) });
  const hex = link.fingerprint?.replace(/^SHA256:/, "").replaceAll(":", "").toLowerCase();
  if (hex !== undefined) fragment.set("fp", hex);
  return `${link.tls ? "https" : "http"}://${host}:${link.webPort}/#${fragment}`;
}

/**
 * Reads an invite link as {@linkcode formatInviteLink} writes it (or as a browser shows it);
 * `undefined` when `text` is not one.
 *
 * @example
 * ```ts
 * import { parseInviteLink } from "./invite_link.ts";
 * parseInviteLink("http://192.168.1.20:7778/#invite=abc&chat=7777")?.chatPort; // 7777
 * parseInviteLink("192.168.1.20:7777"); // undefined
 * ```
 */
export function parseInviteLink(text: string): InviteLink | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
  const token = fragment.get("invite");
  if (token === null || token === "") return undefined;
  const tls = url.protocol === "https:";
  const webPort = url.port === "" ? (tls ? 443 : 80) : Number(url.port);
  const chatPort = Number(fragment.get("chat") ?? webPort - 1);
  if (!Number.isInteger(chatPort) || chatPort < 1 || chatPort > 65535) return undefined;
  const fp = fragment.get("fp");
  const fingerprint = fp === null ? undefined : parseFingerprint(fp);
  if (fp !== null && fingerprint === undefined) return undefined;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { hostname, webPort, chatPort, token, tls, ...(fingerprint ? { fingerprint } : {}) };
}
