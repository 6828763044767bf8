import { ChatError } from "../client/mod.ts";

/** Failures of the connection itself, after which a resumable transfer is worth retrying. */
const CONNECTION_LOST = new Set(["closed", "timeout", "connection_refused", "connect_failed"]);

/** How long a file command keeps retrying a lost server before it gives up. */
const GIVE_UP_AFTER_MS = 120_000;

/**
 * Runs `attempt` and, when the connection is lost and `resumable` says the work can continue
 * where it stopped, runs it again after a growing, jittered pause (0.5 s doubling to 30 s) for
 * up to two minutes, telling the user on stderr each time.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: { resumable: () => boolean },
): Promise<T> {
  const started = Date.now();
  for (let tries = 0;; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const lost = error instanceof ChatError && CONNECTION_LOST.has(error.code);
      if (!lost || !options.resumable() || Date.now() - started > GIVE_UP_AFTER_MS) throw error;
      const base = Math.min(30_000, 500 * 2 ** tries);
      const delay = Math.round(base / 2 + Math.random() * base / 2);
      console.error(
        `${error.message.replace(/\.$/, "")}. Retrying in ${Math.ceil(delay / 1000)} s…`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
