import type { OutboundMessage } from "../protocol/mod.ts";

/**
 * Whatever a session delivers to: the session adapter implements it over a connection with a
 * bounded outbound queue; tests implement it with an array.
 */
export interface Peer {
  /** Queues a message for the connection; never blocks. */
  send(message: OutboundMessage): void;
  /** Closes the connection once what is queued has been written. */
  close(): void;
}
