import type { DecodeResult, Outbound } from "../protocol/mod.ts";

/**
 * A message-oriented connection, whatever carries it (TCP now, WebSocket later), so the server
 * and client never know which they talk to.
 */
export interface Connection {
  /** The peer's address, for logs: `host:port`. */
  readonly remote: string;
  /**
   * Incoming frames until the peer closes. A fatal decode error is yielded last. A frame's
   * payload is only valid until the next frame is requested, unless the consumer keeps it with
   * `FrameBufferPool.retain` (src/util/frame_buffer_pool.ts) and releases it when done.
   */
  frames(): AsyncIterable<DecodeResult>;
  /**
   * Writes messages and chunks in order, in as few writes as possible. Calls may overlap: their
   * bytes are never interleaved. Rejects if the connection failed.
   */
  send(items: readonly Outbound[]): Promise<void>;
  /** The largest frame accepted from the peer from now on. */
  maxFrameBytes: number;
  /** Closes the connection; pending reads end. Safe to call twice. */
  close(): void;
}
