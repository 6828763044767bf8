/**
 * Exactly-once by event id, client by client: which event ids each client received (a bitmap per
 * client), which ids the server acknowledged to which sender, and the longest silence each
 * client lived through. The fan-out tracker counts deliveries by the message's marker; this
 * counts them by the id the cluster gave, which is what a lost or doubled event is in a log, and
 * tells apart an event delivered twice from a message stored twice under two ids.
 *
 * @example
 * ```ts
 * import { DeliveryLedger } from "./delivery_ledger.ts";
 * const ledger = new DeliveryLedger(3);
 * ledger.ack(0, 7, "~fo~1~0~0~");
 * ledger.deliver(1, 7, { atMs: 0, marker: () => "~fo~1~0~0~" });
 * ledger.check().missingAcked; // 1: client 2 never received event 7
 * ```
 *
 * @module
 */

/** Samples of each kind kept for the report. */
const SAMPLES = 8;

/** What the ledger found, once the run is over. */
export interface LedgerCheck {
  /** Messages the server acknowledged to their sender. */
  acked: number;
  /** Deliveries of acknowledged messages that never arrived (client, id). */
  missingAcked: number;
  /** Clients that missed at least one acknowledged message, with the first ids each missed. */
  missingSamples: { client: number; ids: number[] }[];
  /** Events a client received twice under the same id. */
  duplicateIds: number;
  duplicateSamples: { client: number; id: number }[];
  /** Messages (by marker) stored under more than one id, with their ids. */
  storedTwice: { marker: string; ids: number[] }[];
  /** Message ids stored (delivered to someone) but never acknowledged to their sender. */
  unackedDelivered: number;
  /** Times a client lost its connection and joined again, and how long that took. */
  reconnects: number;
  slowestReconnect: { client: number; ms: number };
  /** The longest time between two deliveries to one client in the window, and whose. */
  longestSilence: { client: number; ms: number; afterId: number };
  /** The median over clients of each one's longest silence. */
  medianSilenceMs: number;
  /** Reconnects per node the clients moved to, by node index. */
  movedTo: number[];
}

/** Event ids received, acknowledged and waited for, per client. */
export class DeliveryLedger {
  readonly clients: number;
  #received: Uint8Array[];
  /** The largest id each client has seen: its `since` when it reconnects. */
  readonly #maxSeen: Float64Array;
  /** Acknowledged ids, with the client that sent them and the message's marker. */
  readonly #acked = new Map<number, { sender: number; marker: string }>();
  /** The marker of each message id, from its acknowledgement or first delivery to anyone. */
  readonly #markers = new Map<number, string>();
  #duplicateIds = 0;
  readonly #duplicateSamples: { client: number; id: number }[] = [];
  readonly #lastAt: Float64Array;
  readonly #lastId: Float64Array;
  readonly #silence: Float64Array;
  readonly #silenceAfter: Float64Array;
  #reconnects = 0;
  #slowestReconnect = { client: -1, ms: 0 };
  readonly #movedTo: number[] = [];

  /** A ledger for clients 0..`clients`-1. */
  constructor(clients: number) {
    this.clients = clients;
    this.#received = Array.from({ length: clients }, () => new Uint8Array(1024));
    this.#maxSeen = new Float64Array(clients);
    this.#lastAt = new Float64Array(clients).fill(NaN);
    this.#lastId = new Float64Array(clients);
    this.#silence = new Float64Array(clients);
    this.#silenceAfter = new Float64Array(clients);
  }

  /** The largest event id `client` has seen (received, acknowledged or named by `last_id`). */
  since(client: number): number {
    return this.#maxSeen[client];
  }

  /** Notes an id `client` was told of without receiving it (a page's `last_id`). */
  seen(client: number, id: number): void {
    if (id > this.#maxSeen[client]) this.#maxSeen[client] = id;
  }

  /**
   * Records the delivery of message `id` to `client` at `atMs` (`performance.now()`); `marker`
   * is asked only for the first delivery of an id to anyone.
   */
  deliver(client: number, id: number, options: { atMs: number; marker: () => string }): void {
    let bits = this.#received[client];
    if (id >> 3 >= bits.length) {
      const grown = new Uint8Array(Math.max(bits.length * 2, (id >> 3) + 1024));
      grown.set(bits);
      bits = this.#received[client] = grown;
    }
    const mask = 1 << (id & 7);
    if ((bits[id >> 3] & mask) !== 0) {
      this.#duplicateIds++;
      if (this.#duplicateSamples.length < SAMPLES) this.#duplicateSamples.push({ client, id });
      return;
    }
    bits[id >> 3] |= mask;
    if (!this.#markers.has(id)) this.#markers.set(id, options.marker());
    this.seen(client, id);
    const last = this.#lastAt[client];
    if (!Number.isNaN(last) && options.atMs - last > this.#silence[client]) {
      this.#silence[client] = options.atMs - last;
      this.#silenceAfter[client] = this.#lastId[client];
    }
    this.#lastAt[client] = options.atMs;
    this.#lastId[client] = id;
  }

  /** Records the server's acknowledgement of `sender`'s message `marker` as event `id`. */
  ack(sender: number, id: number, marker: string): void {
    this.#acked.set(id, { sender, marker });
    this.#markers.set(id, marker);
    this.seen(sender, id);
  }

  /** Records that `client` joined again, on node `node`, `ms` after it lost its connection. */
  reconnected(client: number, options: { node: number; ms: number }): void {
    this.#reconnects++;
    if (options.ms > this.#slowestReconnect.ms) this.#slowestReconnect = { client, ms: options.ms };
    this.#movedTo[options.node] = (this.#movedTo[options.node] ?? 0) + 1;
  }

  /** Starts measuring silences afresh (the measured window begins). */
  startWindow(): void {
    this.#lastAt.fill(NaN);
    this.#silence.fill(0);
  }

  /** Checks every client against every acknowledged and every delivered message. */
  check(): LedgerCheck {
    let missingAcked = 0;
    const missing = new Map<number, number[]>();
    const has = (client: number, id: number) =>
      ((this.#received[client][id >> 3] ?? 0) & (1 << (id & 7))) !== 0;
    for (const [id, { sender }] of this.#acked) {
      for (let client = 0; client < this.clients; client++) {
        if (client === sender || has(client, id)) continue;
        missingAcked++;
        const ids = missing.get(client) ?? [];
        if (ids.length < SAMPLES) ids.push(id);
        missing.set(client, ids);
      }
    }
    let unackedDelivered = 0;
    const byMarker = new Map<string, number[]>();
    for (const [id, marker] of this.#markers) {
      byMarker.set(marker, [...byMarker.get(marker) ?? [], id]);
      if (!this.#acked.has(id)) unackedDelivered++;
    }
    const storedTwice = [...byMarker].filter(([, ids]) => ids.length > 1).map((
      [marker, ids],
    ) => ({ marker, ids }));
    const silences = [...this.#silence].sort((a, b) => a - b);
    let loudest = 0;
    for (let client = 1; client < this.clients; client++) {
      if (this.#silence[client] > this.#silence[loudest]) loudest = client;
    }
    return {
      acked: this.#acked.size,
      missingAcked,
      missingSamples: [...missing].slice(0, SAMPLES).map(([client, ids]) => ({ client, ids })),
      duplicateIds: this.#duplicateIds,
      duplicateSamples: this.#duplicateSamples,
      storedTwice,
      unackedDelivered,
      reconnects: this.#reconnects,
      slowestReconnect: this.#slowestReconnect,
      longestSilence: {
        client: loudest,
        ms: this.#silence[loudest],
        afterId: this.#silenceAfter[loudest],
      },
      medianSilenceMs: silences[Math.floor(silences.length / 2)] ?? NaN,
      movedTo: Array.from({ length: this.#movedTo.length }, (_, i) => this.#movedTo[i] ?? 0),
    };
  }
}
