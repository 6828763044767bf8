/**
 * Helpers for the resilience tests: servers that are killed and restarted on the same port and
 * data dir, reading a room's whole history, and watching a process's memory.
 *
 * @module
 */
import type { JsonEvent } from "./_join.ts";
import { type ChatServer, type ServerOptions, startServer } from "./_server.ts";
import type { Received, TestClient } from "./_test_client.ts";

/** Kills `server` with SIGKILL and waits until it has exited. */
export async function crash(server: ChatServer): Promise<void> {
  server.kill("SIGKILL");
  await server.stop({ timeoutMs: 5_000 });
}

/**
 * Starts a server on the fixed `port` and `dataDir` of an earlier one. Retries for a while if
 * the port is not free yet (the previous process is still going away).
 */
export async function restart(
  options: ServerOptions & { port: number; dataDir: string },
): Promise<ChatServer> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await startServer(options);
    } catch (error) {
      if (Date.now() > deadline || !/already in use/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Every event of `client`'s room from the newest back to the first, oldest first: `history`
 * requests with `before` (starting above any id) and `limit` 500, paged until `more` is false.
 */
export async function readFullHistory(client: TestClient): Promise<Received[]> {
  const events: Received[] = [];
  let before = Number.MAX_SAFE_INTEGER;
  for (let page = 0; page < 1000; page++) {
    const since = client.mark();
    const rid = client.rid();
    await client.sendMessage({ type: "history", before, limit: 500, rid });
    const end = await client.waitFor((m) => m.type === "history_end" && m.rid === rid, {
      since,
      what: `history_end of the page before ${before}`,
    });
    const endIndex = client.messages.indexOf(end, since);
    events.unshift(...client.messages.slice(since, endIndex).filter((m) => m.history === true));
    if (end.more !== true || typeof end.before !== "number") return events;
    before = end.before;
  }
  throw new Error("The history did not end after 1000 pages.");
}

/**
 * The resident memory of process `pid` in bytes (Linux), or undefined if unknown. Deno lets only
 * `--allow-all` read another process's `/proc` files, so `cat` reads it (`--allow-run`).
 */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const { stdout, success } = await new Deno.Command("cat", {
      args: [`/proc/${pid}/status`],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!success) return undefined;
    const kib = new TextDecoder().decode(stdout).match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/** Samples the resident memory of `pid` every 100 ms until stopped; keeps the largest. */
export function watchMemory(pid: number): { peak(): number; stop(): Promise<number> } {
  let peak = 0;
  let sampling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      peak = Math.max(peak, await residentBytes(pid) ?? 0);
    });
  }, 100);
  return {
    peak: () => peak,
    async stop() {
      clearInterval(timer);
      await sampling;
      return peak;
    },
  };
}

/** Ids that occur more than once among `events` that are not history replays. */
export function duplicateLiveIds(events: readonly JsonEvent[]): number[] {
  const seen = new Set<number>();
  const duplicates: number[] = [];
  for (const event of events) {
    if (typeof event.id !== "number" || event.history === true) continue;
    if (seen.has(event.id)) duplicates.push(event.id);
    seen.add(event.id);
  }
  return duplicates;
}

/** How many messages (or actions) among `messages` have exactly `text`. */
export function countText(messages: readonly { type: string; text?: unknown }[], text: string) {
  return messages.filter((m) => (m.type === "message" || m.type === "action") && m.text === text)
    .length;
}
