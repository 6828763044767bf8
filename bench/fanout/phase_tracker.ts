/**
 * Bookkeeping of one fan-out phase: which message reached which receiver, how late, and what
 * went wrong, in a bitmap and a preallocated array, since a phase at 800 messages/s to a
 * thousand clients records millions of deliveries.
 *
 * @module
 */
import { nearestRank } from "../shared/mod.ts";

/** Latency figures over the deliveries of a phase. */
export interface LatencySummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One phase's deliveries, recorded by every receiver of the generator. */
export class PhaseTracker {
  /** The phase number every message marker of this phase carries. */
  readonly phase: number;
  /** Clients in the room, each a receiver. */
  readonly clients: number;
  /** Clients that send, spread evenly over them (see {@linkcode senderClientIndex}). */
  readonly senders: number;
  /** Messages the schedule sends in this phase. */
  readonly messages: number;
  /** Bit `message × clients + receiver`: that delivery has arrived. */
  readonly #seen: Uint8Array;
  readonly #latencies: Float32Array;
  #complete: PromiseWithResolvers<void> = Promise.withResolvers();
  /** Messages sent so far. */
  sent = 0;
  /** Deliveries recorded so far, each once. */
  received = 0;
  /** Deliveries that arrived a second time. */
  duplicates = 0;
  /** Deliveries to the sender itself, or of a message outside the schedule. */
  unexpected = 0;
  /** `performance.now()` of the first send; NaN before it. */
  firstSendMs: number = NaN;
  /** `performance.now()` of the latest send; NaN before the first. */
  lastSendMs: number = NaN;
  /** `performance.now()` of the latest delivery; NaN before the first. */
  lastReceiveMs: number = NaN;
  /** How late sends left against their schedule: the generator's own saturation. */
  maxSendLagMs = 0;
  #sumSendLagMs = 0;

  /** A tracker for `messages` messages of phase `phase`, from `senders` of `clients` clients. */
  constructor(options: { phase: number; clients: number; senders: number; messages: number }) {
    this.phase = options.phase;
    this.clients = options.clients;
    this.senders = options.senders;
    this.messages = options.messages;
    this.#seen = new Uint8Array(Math.ceil((this.messages * this.clients) / 8));
    this.#latencies = new Float32Array(this.expected);
  }

  /** Deliveries expected: every message reaches every client but its sender. */
  get expected(): number {
    return this.messages * (this.clients - 1);
  }

  /** How late sends left on average; NaN before the first. */
  get meanSendLagMs(): number {
    return this.sent > 0 ? this.#sumSendLagMs / this.sent : NaN;
  }

  /** Resolves when every expected delivery has arrived. */
  get complete(): Promise<void> {
    return this.#complete.promise;
  }

  /** Notes a send that left `lagMs` after its scheduled time. */
  noteSend(lagMs: number): void {
    const now = performance.now();
    if (this.sent === 0) this.firstSendMs = now;
    this.lastSendMs = now;
    this.sent++;
    this.#sumSendLagMs += lagMs;
    this.maxSendLagMs = Math.max(this.maxSendLagMs, lagMs);
  }

  /** Records a delivery to `receiver` (one client index). */
  record(
    receiver: number,
    sender: number,
    seq: number,
    sentMicros: number,
    atMicros: number,
  ): void {
    const message = seq * this.senders + sender;
    const senderClient = senderClientIndex(sender, this.senders, this.clients);
    if (message >= this.messages || receiver === senderClient) {
      this.unexpected++;
      return;
    }
    const bit = message * this.clients + receiver;
    const mask = 1 << (bit & 7);
    if ((this.#seen[bit >> 3] & mask) !== 0) {
      this.duplicates++;
      return;
    }
    this.#seen[bit >> 3] |= mask;
    this.#latencies[this.received++] = (atMicros - sentMicros) / 1000;
    this.lastReceiveMs = performance.now();
    if (this.received === this.expected) this.#complete.resolve();
  }

  /** p50, p99 and max of the recorded latencies (nearest rank). */
  latency(): LatencySummary {
    const sorted = this.#latencies.slice(0, this.received).sort();
    return {
      p50Ms: nearestRank(sorted, 0.5),
      p99Ms: nearestRank(sorted, 0.99),
      maxMs: sorted.at(-1) ?? NaN,
    };
  }
}

/** The client that plays sender `sender`: senders are spread evenly over the clients. */
export function senderClientIndex(sender: number, senders: number, clients: number): number {
  return Math.floor((sender * clients) / senders);
}
