import type { Outbound } from "../protocol/mod.ts";

/**
 * Whatever a session delivers to: the session adapter implements it over a connection with a
 * bounded outbound queue; tests implement it with an array.
 */
export interface Peer {
  /** Queues a message or file chunk for the connection; never blocks. */
  send(item: Outbound): void;
  /**
   * Queues a live room event (or private message) for the connection; never blocks. Unlike
   * `send`, it may be held back a few milliseconds to go out with others while the server is busy.
   */
  post(item: Outbound): void;
  /** Bytes queued and not yet written. */
  readonly queuedBytes: number;
  /** Resolves once the queue has been written out, or the connection has closed. */
  drained(): Promise<void>;
  /** Closes the connection once what is queued has been written. */
  close(): void;
}
