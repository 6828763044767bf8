import type { KV, KvOptions } from "@nats-io/kv";
import type { NatsContext } from "./context.ts";

/**
 * Creates the key-value bucket `name`, or opens it when it exists with these settings. Two nodes
 * creating it at the same moment: one of them is told its subjects overlap with a stream being
 * made; a moment later the same call opens what the other made.
 */
export async function createBucket(
  context: NatsContext,
  name: string,
  options: Partial<KvOptions>,
): Promise<KV> {
  for (let attempt = 1;; attempt++) {
    try {
      return await context.kvm.create(name, options);
    } catch (error) {
      if (attempt >= 5 || !/overlap|already in use/i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
