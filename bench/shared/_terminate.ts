/**
 * Stopping a server the benchmark started: politely first, so that `chat serve` can write its
 * CPU profile and close its database, and for certain after a grace period, so that a hung
 * server cannot hang the benchmark.
 *
 * @module
 */

/** Grace period between SIGTERM and SIGKILL. */
const GRACE_MS = 5_000;

/** Stops `child`: SIGTERM, then SIGKILL if it is still there after {@linkcode GRACE_MS}; resolves once it exited. */
export async function terminate(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // Already exited.
  }
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Exited in the meantime.
    }
  }, GRACE_MS);
  await child.status;
  clearTimeout(timer);
}
