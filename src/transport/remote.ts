/**
 * A connection's peer as logs show it: `host:port`, an IPv6 host in brackets.
 *
 * @example
 * ```ts ignore
 * remoteOf(conn); // "192.0.2.7:51234" or "[2001:db8::7]:51234"
 * ```
 */
export function remoteOf(conn: Deno.Conn): string {
  const address = conn.remoteAddr as Deno.NetAddr;
  return address.hostname.includes(":")
    ? `[${address.hostname}]:${address.port}`
    : `${address.hostname}:${address.port}`;
}
