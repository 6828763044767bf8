/**
 * A port for a child that must be told one (an IRC server, socat, a server restarted on the
 * same port). The OS picks it; it may be taken again before the child binds it, which on a
 * test machine is rare enough to live with.
 *
 * @module
 */

/** Returns a TCP port on 127.0.0.1 that nothing listens on (it was just free). */
export function unusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
