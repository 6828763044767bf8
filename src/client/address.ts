/** The port `chat serve` listens on unless told otherwise. */
export const DEFAULT_PORT = 7777;

/**
 * Parses `HOST`, `HOST:PORT`, `[IPv6]` or `[IPv6]:PORT`. Throws `TypeError` with a sentence
 * the CLI can show when the address cannot be a server address.
 *
 * @example
 * ```ts
 * import { parseAddress } from "./address.ts";
 * parseAddress("192.168.1.20:7777"); // { hostname: "192.168.1.20", port: 7777 }
 * parseAddress("[::1]"); // { hostname: "::1", port: 7777 }
 * ```
 */
export function parseAddress(address: string): { hostname: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]\s]+))(?::(\d{1,5}))?$/.exec(address.trim());
  const port = match?.[3] === undefined ? DEFAULT_PORT : Number(match[3]);
  if (match === null || port < 1 || port > 65535) {
    throw new TypeError(
      `"${address}" is not a server address; use HOST or HOST:PORT, such as 192.168.1.20:7777.`,
    );
  }
  return { hostname: match[1] ?? match[2], port };
}

/**
 * Writes an address as `host:port` (`[v6]:port`): how the client names a server in messages and
 * in the files it keeps per server.
 *
 * @example
 * ```ts
 * import { formatAddress } from "./address.ts";
 * formatAddress({ hostname: "::1", port: 7777 }); // "[::1]:7777"
 * ```
 */
export function formatAddress(address: { hostname: string; port: number }): string {
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  return `${host}:${address.port}`;
}
