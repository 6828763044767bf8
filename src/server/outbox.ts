import { type Outbound, OutboundMessage } from "../protocol/mod.ts";
import type { Peer } from "../chat/mod.ts";
import type { Connection } from "../transport/mod.ts";
import type { Paced, Pacer } from "./pacer.ts";

const TOO_SLOW = new OutboundMessage({
  type: "bye",
  reason: "too_slow",
  message: "You were disconnected because messages were not being read fast enough.",
});

/**
 * A connection's outbound queue, bounded in bytes. Messages queued during one turn of the event
 * loop go out in one write; room events posted while the server is busy wait for the
 * {@linkcode Pacer}'s next round. A peer that stops reading and lets the queue pass its bound is
 * disconnected rather than allowed to grow the server's memory.
 */
export class Outbox implements Peer, Paced {
  readonly #connection: Connection;
  readonly #maxBytes: number;
  readonly #pacer: Pacer | undefined;
  /** Waiting for the pacer's round. */
  #paced = false;
  /** Something was sent (not posted) since the last write began: it goes out without pacing. */
  #urgent = false;
  #queue: Outbound[] = [];
  #queuedBytes = 0;
  #writing = false;
  #closing = false;
  #closed = false;
  readonly #done: PromiseWithResolvers<void> = Promise.withResolvers();
  #waiters: (() => void)[] = [];
  /** Why the outbox closed the connection on its own, if it did. */
  overflowed = false;

  constructor(connection: Connection, options: { maxBytes: number; pacer?: Pacer }) {
    this.#connection = connection;
    this.#maxBytes = options.maxBytes;
    this.#pacer = options.pacer;
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
    if (!this.#enqueue(message)) return;
    this.#urgent = true;
    if (!this.#writing) {
      this.#writing = true;
      queueMicrotask(() => this.#flush());
    }
  }

  post(message: Outbound): void {
    if (this.#pacer === undefined) return this.send(message);
    if (!this.#enqueue(message)) return;
    // Every post counts (once per event), so the rate stays true while connections are busy.
    this.#pacer.note(message);
    if (!this.#writing && !this.#paced) {
      this.#paced = true;
      this.#pacer.wait(this);
    }
  }

  flushNow(): void {
    this.#paced = false;
    if (this.#writing || this.#queue.length === 0) return;
    this.#writing = true;
    this.#flush();
  }

  /** Adds to the queue; false if closed or if this overflowed it (and closed the connection). */
  #enqueue(message: Outbound): boolean {
    if (this.#closing || this.#closed) return false;
    this.#queuedBytes += message.frame.byteLength;
    if (this.#queuedBytes > this.#maxBytes) {
      this.overflowed = true;
      this.#queue = [];
      this.#queuedBytes = 0;
      this.#closing = true;
      // Said if the socket still takes it; the connection closes either way.
      this.#connection.send([TOO_SLOW]).catch(() => {});
      setTimeout(() => this.#finish(), 500);
      return false;
    }
    this.#queue.push(message);
    return true;
  }

  close(): void {
    if (this.#closing || this.#closed) return;
    if (this.#paced) this.flushNow();
    this.#closing = true;
    if (!this.#writing) this.#finish();
  }

  /** Resolves once the connection is closed and nothing is left to write. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** Writes the queue, batch after batch, until it is empty; then the outbox is idle. */
  #flush(): void {
    if (this.#queue.length === 0 || this.#closed) return this.#idle();
    const batch = this.#queue;
    this.#queue = [];
    this.#urgent = false;
    let written: Promise<void>;
    try {
      written = this.#connection.send(batch);
    } catch {
      written = Promise.reject();
    }
    written.then(() => {
      if (this.#closed) return this.#idle();
      for (const item of batch) this.#queuedBytes -= item.frame.byteLength;
      // Room events posted during the write wait for the next round like any others: written
      // at once, they would make a second write per round.
      if (this.#queue.length > 0 && !this.#urgent && !this.#closing && this.#pacer?.busy) {
        this.#writing = false;
        this.#paced = true;
        return this.#pacer.wait(this);
      }
      this.#flush();
    }, () => {
      this.#queue = [];
      this.#finish();
      this.#idle();
    });
  }

  #idle(): void {
    this.#writing = false;
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
