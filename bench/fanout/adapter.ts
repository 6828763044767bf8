/**
 * What the fan-out generator needs of a protocol: a client that joins the one room, sends a
 * message text on demand, and reports every delivery to a {@linkcode DeliverySink}; and how a
 * thousand of them are connected.
 *
 * @module
 */
import type { DeliverySink } from "./delivery_sink.ts";
import type { ErrorLog } from "./error_log.ts";

/** What every client of one run shares. */
export interface RunContext {
  /** The server's port on 127.0.0.1. */
  port: number;
  /** Where every received message's marker goes. */
  sink: DeliverySink;
  /** Where every client's errors are counted. */
  errors: ErrorLog;
  /** True once the run is tearing down: a closed connection is then no error. */
  readonly closing: boolean;
}

/** One connected client, a member of the room. */
export interface FanoutClient {
  /** Which of the run's clients this is. */
  readonly index: number;
  /** Sends `text` to the room; `id` is unique per client (a request id where one is needed). */
  send(text: string, id: string): void;
  /** Closes the connection; safe to call twice. */
  close(): void;
}

/** A protocol: how a client connects, joins and sends. */
export interface Adapter {
  /** Resolves once client `index` is registered and in the room. */
  connect(index: number, context: RunContext): Promise<FanoutClient>;
}

/** Runs `connect` for indices 0..count-1, at most `concurrency` at a time. */
export async function connectAll(
  count: number,
  options: {
    concurrency: number;
    connect: (index: number) => Promise<FanoutClient>;
    onError: (index: number, error: unknown) => void;
  },
): Promise<(FanoutClient | undefined)[]> {
  const clients: (FanoutClient | undefined)[] = new Array(count).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        clients[index] = await options.connect(index);
      } catch (error) {
        options.onError(index, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, count) }, worker));
  return clients;
}
