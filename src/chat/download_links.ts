/** How long a download link works: long enough for a browser to resume a big file. */
export const DOWNLOAD_LINK_TTL_MS = 6 * 60 * 60 * 1000;

const encoder = new TextEncoder();

/** What a download link stands for. */
export interface DownloadGrant {
  /** The file's id (its `file` event's). */
  id: number;
  /** The person it was made for. */
  owner: string;
  /** Milliseconds since the epoch. */
  expires: number;
}

/**
 * Signs and checks the tokens of HTTP download links, so that a browser's own download manager
 * can fetch (and resume, with `Range`) a file over plain HTTP, authorised by a signed-in
 * session's request and never by a guessable URL. A token is the grant and an HMAC-SHA-256 of
 * it under a secret only the server knows: nothing is stored, and a server restart (a new
 * secret) ends every link. A grant names the file, the person and the expiry.
 *
 * @example
 * ```ts
 * import { DownloadLinks } from "./download_links.ts";
 * const links = await DownloadLinks.create();
 * const token = await links.sign({ id: 12, owner: "o1", expires: Date.now() + 60_000 });
 * (await links.verify(token, Date.now()))?.id; // 12
 * ```
 */
export class DownloadLinks {
  readonly #key: CryptoKey;

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** A signer with a new random secret. */
  static async create(): Promise<DownloadLinks> {
    const key = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    return new DownloadLinks(key);
  }

  /** The token of `grant`: URL-safe. */
  async sign(grant: DownloadGrant): Promise<string> {
    const payload = `${grant.id}.${grant.expires}.${grant.owner}`;
    const mac = await crypto.subtle.sign("HMAC", this.#key, encoder.encode(payload));
    return `${base64Url(encoder.encode(payload))}.${base64Url(new Uint8Array(mac))}`;
  }

  /** The grant of `token`, if this server signed it and it has not expired at `now`. */
  async verify(token: string, now: number): Promise<DownloadGrant | undefined> {
    const [payloadPart, macPart] = token.split(".");
    const payload = fromBase64Url(payloadPart ?? "");
    const mac = fromBase64Url(macPart ?? "");
    if (payload === undefined || mac === undefined) return undefined;
    if (!await crypto.subtle.verify("HMAC", this.#key, mac, payload)) return undefined;
    const [id, expires, ...owner] = new TextDecoder().decode(payload).split(".");
    const grant = { id: Number(id), expires: Number(expires), owner: owner.join(".") };
    if (!Number.isSafeInteger(grant.id) || !(grant.expires >= now)) return undefined;
    return grant;
  }
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return undefined;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
