/**
 * Closing a benchmark client's connection, which the server may already have closed: that is
 * no error to report, and the benchmark closes thousands of them at the end of a run.
 *
 * @module
 */

/**
 * Closes `conn`, ignoring that the peer closed it first.
 *
 * @example
 * ```ts ignore
 * import { closeQuietly } from "./close_quietly.ts";
 * closeQuietly(await Deno.connect({ hostname: "127.0.0.1", port: 6667 }));
 * ```
 */
export function closeQuietly(conn: { close(): void }): void {
  try {
    conn.close();
  } catch {
    // Already closed by the peer.
  }
}
