import { type Outbound, OutboundMessage } from "../protocol/mod.ts";
import type { Peer } from "../chat/mod.ts";
import type { Connection } from "../transport/mod.ts";

const TOO_SLOW = new OutboundMessage({
  type: "bye",
  reason: "too_slow",
  message: "You were disconnected because messages were not being read fast enough.",
});

/**
 * A connection's outbound queue, bounded in bytes. Messages queued during one turn of the event
 * loop go out in one write. A peer that stops reading and lets the queue pass its bound is
 * disconnected rather than allowed to grow the server's memory.
 */
export class Outbox implements Peer {
  readonly #connection: Connection;
  readonly #maxBytes: number;
  #queue: Outbound[] = [];
  #queuedBytes = 0;
  #writing = false;
  #closing = false;
  #closed = false;
  readonly #done: PromiseWithResolvers<void> = Promise.withResolvers();
  #waiters: (() => void)[] = [];
  /** Why the outbox closed the connection on its own, if it did. */
  overflowed = false;

  constructor(connection: Connection, options: { maxBytes: number }) {
    this.#connection = connection;
    this.#maxBytes = options.maxBytes;
  }

  /** Whether nothing more will be written. */
  get closed(): boolean {
    return this.#closing || this.#closed;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  drained(): Promise<void> {
    if (this.#queuedBytes === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  send(message: Outbound): void {
    if (this.#closing || this.#closed) return;
    this.#queuedBytes += message.frame.byteLength;
    if (this.#queuedBytes > this.#maxBytes) {
      this.overflowed = true;
      this.#queue = [];
      this.#queuedBytes = 0;
      this.#closing = true;
      // Said if the socket still takes it; the connection closes either way.
      this.#connection.send([TOO_SLOW]).catch(() => {});
      setTimeout(() => this.#finish(), 500);
      return;
    }
    this.#queue.push(message);
    if (!this.#writing) {
      this.#writing = true;
      queueMicrotask(() => this.#flush());
    }
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    if (!this.#writing) this.#finish();
  }

  /** Resolves once the connection is closed and nothing is left to write. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = this.#queue;
        this.#queue = [];
        await this.#connection.send(batch);
        if (this.#closed) break;
        for (const item of batch) this.#queuedBytes -= item.frame.byteLength;
      }
    } catch {
      this.#queue = [];
      this.#finish();
    } finally {
      this.#writing = false;
    }
    this.#wake();
    if (this.#closing) this.#finish();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.close();
    this.#queuedBytes = 0;
    this.#wake();
    this.#done.resolve();
  }
}
