import type { Peer } from "../../src/chat/mod.ts";
import {
  type Outbound,
  OutboundChunk,
  type OutboundMessage,
  type ServerMessage,
} from "../../src/protocol/mod.ts";

/**
 * A {@linkcode Peer} without a connection: it records every message a session or the hub
 * sends it, and whether it was closed.
 *
 * @example
 * ```ts ignore
 * const peer = new FakePeer();
 * const session = new Session(hub, peer, "test");
 * await session.handle({ type: "ping", rid: "p1" });
 * peer.take(); // [{ type: "pong", rid: "p1" }]
 * ```
 */
export class FakePeer implements Peer {
  /** Every `OutboundMessage.message` sent and not yet taken, oldest first. */
  readonly messages: ServerMessage[] = [];
  /** The `OutboundMessage` objects themselves, to check that a broadcast is shared. */
  readonly outbound: OutboundMessage[] = [];
  /** File chunks sent, in order. */
  readonly chunks: OutboundChunk[] = [];
  /** Whether `close()` was called. */
  closed = false;
  /** A fake peer writes at once: nothing is ever queued. */
  readonly queuedBytes = 0;

  send(item: Outbound): void {
    if (item instanceof OutboundChunk) {
      this.chunks.push(item);
      return;
    }
    this.messages.push(item.message as ServerMessage);
    this.outbound.push(item);
  }

  /** Posted room events are recorded like sent messages, in one order. */
  post(item: Outbound): void {
    this.send(item);
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }

  /**
   * Returns the messages received since the last call as they travel on the wire (JSON
   * round-tripped, so fields left undefined are absent), and forgets them.
   */
  take(): ServerMessage[] {
    this.outbound.splice(0);
    return this.messages.splice(0).map((message) => JSON.parse(JSON.stringify(message)));
  }

  /** The `type` of each message received since the last {@linkcode take}. */
  types(): string[] {
    return this.messages.map((message) => message.type);
  }
}
