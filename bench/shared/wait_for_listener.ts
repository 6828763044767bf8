/**
 * Readiness of a server that prints nothing useful (ngircd, InspIRCd, a socat listener): its
 * port appears in the kernel's table of listening sockets.
 *
 * @module
 */
import { sleep } from "./sleep.ts";

/**
 * Waits until something listens on 127.0.0.1:`port`, by reading `/proc/net/tcp`: a probe
 * connection would be the one connection a non-forking socat listener accepts.
 */
export async function waitForListener(port: number, timeoutMs = 10_000): Promise<void> {
  const needle = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")} 00000000:0000 0A`;
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (Deno.readTextFileSync("/proc/net/tcp").includes(needle)) return;
    await sleep(2);
  }
  throw new Error(`Nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms.`);
}
