import { ChatError } from "./chat_error.ts";

/**
 * Connects to the first of `targets` that answers: the one that answered last first, then the
 * others in a random order, so that the clients of a node that died spread over the rest.
 * `targets` may grow while in use (nodes a cluster's `welcome` names). Rejects with the last
 * error when none answers; a refused certificate (`tls_…`) is a decision, and stops at once.
 *
 * @example
 * ```ts ignore
 * const open = failover(["ws://a/ws", "ws://b/ws"], (url) => webSocketDialer(url)());
 * const connection = await open();
 * ```
 */
export function failover<T, C>(
  targets: readonly T[],
  dial: (target: T) => Promise<C>,
): () => Promise<C> {
  if (targets.length === 0) throw new Error("failover needs at least one target");
  let current = 0;
  return async () => {
    const others = targets.map((_, index) => index).filter((index) => index !== current);
    for (let i = others.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [others[i], others[j]] = [others[j], others[i]];
    }
    let lastError: unknown;
    for (const index of [current, ...others]) {
      try {
        const connection = await dial(targets[index]);
        current = index;
        return connection;
      } catch (error) {
        if (error instanceof ChatError && error.code.startsWith("tls_")) throw error;
        lastError = error;
      }
    }
    throw lastError;
  };
}
