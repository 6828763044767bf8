/**
 * The cluster benchmark's chat client: the fan-out client's raw protocol and frame reading, plus
 * what a client of a cluster does when its node dies, as `chat join a,b,c` does it (docs/PROTOCOL.md
 * section 2.2, src/client/dial.ts `failoverDialer`): it dials the node that answered last first,
 * then the others in turn, says `hello` again with its resume token and `since` set to the
 * largest id it has seen, and resends every message it has no `ack` for with the same `rid`.
 * Sends made while it is away wait for the next connection. Every delivery and `ack` also goes
 * to a {@linkcode DeliveryLedger} by event id.
 *
 * @module
 */
import { encodeMessage, FrameDecoder } from "../../src/protocol/mod.ts";
import { withTimeout } from "../../tests/support/mod.ts";
import {
  type Adapter,
  ErrorLog,
  type FanoutClient,
  forEachJsonFrame,
  frameKind,
  type RunContext,
  Socket,
  TYPE_AT,
} from "../fanout/mod.ts";
import { sleep } from "../shared/mod.ts";
import type { DeliveryLedger } from "./delivery_ledger.ts";

/** How long one node may take from the dial to `history_end`. */
const JOIN_TIMEOUT_MS = 15_000;
/** How long a client keeps trying to join again before it gives up. */
const GIVE_UP_MS = 90_000;
/** Pause between two rounds over every node. */
const RETRY_MS = 100;

const decoder = new TextDecoder();
const encoder = new TextEncoder();
/** `message","id":` after `{"type":"`: the event id's digits follow. */
const MESSAGE_ID = encoder.encode('message","id":');
/** How a history page's event ends. */
const HISTORY_END = encoder.encode(',"history":true}');
/** The fan-out marker in a message's text. */
const MARKER = /~fo~\d+~\d+~\d+~/;

/** Settings of {@linkcode FailoverChatAdapter}. */
export interface FailoverOptions {
  passkey: string;
  /** The nodes' ports on 127.0.0.1; client `i` starts on node `i mod n`. */
  ports: readonly number[];
  ledger: DeliveryLedger;
}

/** Joins the room `bench` of a cluster's nodes as `f<index>`, and goes on through another node. */
export class FailoverChatAdapter implements Adapter {
  readonly #options: FailoverOptions;
  readonly #clients = new Set<FailoverClient>();

  /** An adapter over the nodes `options.ports`. */
  constructor(options: FailoverOptions) {
    this.#options = options;
  }

  /** Connects client `index` to its node (or the next that answers); resolves once in the room. */
  async connect(index: number, context: RunContext): Promise<FanoutClient> {
    const client = new FailoverClient(index, context, this.#options);
    await client.join(Date.now() + 30_000);
    this.#clients.add(client);
    return client;
  }

  /** Sends of every client still without an `ack`. */
  get unacknowledged(): number {
    let count = 0;
    for (const client of this.#clients) count += client.unacknowledged;
    return count;
  }

  /**
   * Resolves once every send has its `ack`, or after `timeoutMs`: the last deliveries may reach
   * the other clients before their sender's `ack` reaches it.
   */
  async acknowledged(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.unacknowledged > 0 && performance.now() < deadline) await sleep(50);
  }
}

/** One client of the cluster benchmark across its connections. */
class FailoverClient implements FanoutClient {
  readonly index: number;
  readonly #context: RunContext;
  readonly #options: FailoverOptions;
  /** The node that answered last: dialled first. */
  #node: number;
  #socket: Socket | undefined;
  #joined = false;
  #closed = false;
  #resume: string | undefined;
  /** The device credential of the first login, as `chat join` keeps it. */
  #device: string | undefined;
  /** Sends without an `ack`, by rid, in the order sent. */
  readonly #pending = new Map<string, string>();

  constructor(index: number, context: RunContext, options: FailoverOptions) {
    this.index = index;
    this.#context = context;
    this.#options = options;
    this.#node = index % options.ports.length;
  }

  /** Sends without an `ack` so far. */
  get unacknowledged(): number {
    return this.#pending.size;
  }

  send(text: string, rid: string): void {
    this.#pending.set(rid, text);
    if (this.#joined) this.#socket?.write(encodeMessage({ type: "send", rid, text }));
  }

  close(): void {
    this.#closed = true;
    this.#socket?.close();
  }

  /**
   * Dials its node first, then the others in a random order (as `failoverDialer` does), in
   * rounds, until one lets it join or `deadline` (Date.now()).
   */
  async join(deadline: number): Promise<void> {
    const ports = this.#options.ports;
    let lastError: unknown;
    while (!this.#closed) {
      const others = ports.map((_, index) => index).filter((index) => index !== this.#node);
      others.sort(() => Math.random() - 0.5);
      for (const node of [this.#node, ...others]) {
        try {
          await this.#joinThrough(node);
          this.#node = node;
          return;
        } catch (error) {
          lastError = error;
        }
      }
      if (Date.now() >= deadline) throw lastError;
      await sleep(RETRY_MS);
    }
  }

  /** One connection to `node`: `hello`, and resolves at `history_end`; rejects if it fails. */
  async #joinThrough(node: number): Promise<void> {
    const { ledger } = this.#options;
    // Write failures of a dying connection are not errors: what they carried is resent.
    const socket = await Socket.open(this.#options.ports[node], new ErrorLog());
    const joined = Promise.withResolvers<void>();
    let isJoined = false;
    const frames = new FrameDecoder();
    const onFrame = (bytes: Uint8Array, start: number, end: number, atMicros: number) => {
      const kind = frameKind(bytes, start);
      if (kind === "message") return this.#onMessage(bytes, start, end, atMicros);
      if (kind === "notice") return;
      const message = JSON.parse(decoder.decode(bytes.subarray(start, end)));
      switch (message.type) {
        case "ack": {
          this.#pending.delete(message.rid);
          const marker = MARKER.exec(message.event?.text ?? "")?.[0] ?? `rid ${message.rid}`;
          ledger.ack(this.index, message.id, marker);
          break;
        }
        case "welcome":
          this.#resume = message.resume;
          // The device this login made: who this client is on every node (its nick is owned).
          if (typeof message.device === "string") this.#device = message.device;
          break;
        case "history_end":
          if (message.gap) this.#context.errors.add("catch-up gap", `client ${this.index}`);
          if (typeof message.last_id === "number") ledger.seen(this.index, message.last_id);
          isJoined = true;
          joined.resolve();
          break;
        case "ping":
          socket.write(encodeMessage({ type: "pong", rid: message.rid }));
          break;
        case "error":
          this.#context.errors.add(`error ${message.code}`, message.message);
          if (message.fatal) joined.reject(new Error(`${message.code}: ${message.message}`));
          break;
        case "bye":
          if (!this.#context.closing) {
            this.#context.errors.add(`bye ${message.reason}`, message.message);
          }
          break;
      }
    };
    let ended = false;
    const reading = socket.read((bytes, atMicros) => {
      forEachJsonFrame(bytes, frames, {
        onFrame: (payload, start, end) => onFrame(payload, start, end, atMicros),
        onBadFrame: (message) => this.#context.errors.add("bad frame", message),
      });
    }).then(() => {
      ended = true;
      joined.reject(new Error("The node closed the connection before history_end."));
      if (isJoined) this.#lost(socket);
    });
    const since = ledger.since(this.index);
    socket.write(encodeMessage({
      type: "hello",
      v: 1,
      nick: `f${this.index}`,
      ...(this.#device === undefined
        ? { passkey: this.#options.passkey }
        : { device: this.#device }),
      room: "bench",
      client: "bench/cluster",
      ...(this.#resume === undefined ? {} : { resume: this.#resume }),
      ...(since > 0 ? { since } : {}),
    }));
    try {
      await withTimeout(joined.promise, {
        timeoutMs: JOIN_TIMEOUT_MS,
        what: `client ${this.index} to join`,
      });
    } catch (error) {
      socket.close();
      await reading;
      throw error;
    }
    this.#socket = socket;
    this.#joined = true;
    if (ended) return this.#lost(socket);
    for (const [rid, text] of this.#pending) {
      socket.write(encodeMessage({ type: "send", rid, text }));
    }
  }

  /** A live message: to the fan-out sink by its marker, to the ledger by its id. */
  #onMessage(bytes: Uint8Array, start: number, end: number, atMicros: number): void {
    const context = this.#context;
    if (endsWith(bytes, end, HISTORY_END)) {
      // A history page: none on joining a fresh room, and none on a catch-up without a gap.
      context.errors.add("history page", `client ${this.index}`);
      return;
    }
    const delivered = context.sink.deliver(this.index, bytes, {
      from: start + TYPE_AT,
      to: end,
      atMicros,
    });
    if (!delivered) {
      context.errors.add("message without a marker", decoder.decode(bytes.subarray(start, end)));
    }
    const id = eventId(bytes, start);
    if (id === undefined) {
      context.errors.add("message without an id", decoder.decode(bytes.subarray(start, end)));
      return;
    }
    this.#options.ledger.deliver(this.index, id, {
      atMs: performance.now(),
      marker: () => MARKER.exec(decoder.decode(bytes.subarray(start, end)))?.[0] ?? `id ${id}`,
    });
  }

  /** The connection of a joined client ended: join again through any node, unless closing. */
  #lost(socket: Socket): void {
    if (this.#socket !== socket) return;
    this.#joined = false;
    this.#socket = undefined;
    if (this.#closed || this.#context.closing) return;
    const lostAt = performance.now();
    this.join(Date.now() + GIVE_UP_MS).then(
      () =>
        this.#options.ledger.reconnected(this.index, {
          node: this.#node,
          ms: performance.now() - lostAt,
        }),
      (error) => this.#context.errors.add("could not join again", `client ${this.index}: ${error}`),
    );
  }
}

/** The id of the message event `{"type":"message","id":N,…` at `start`, read in place. */
function eventId(bytes: Uint8Array, start: number): number | undefined {
  let at = start + TYPE_AT;
  for (let i = 0; i < MESSAGE_ID.length; i++, at++) {
    if (bytes[at] !== MESSAGE_ID[i]) return undefined;
  }
  let id = 0;
  let digits = 0;
  for (; bytes[at] >= 0x30 && bytes[at] <= 0x39; at++, digits++) id = id * 10 + bytes[at] - 0x30;
  return digits > 0 ? id : undefined;
}

/** Whether `bytes[…, end)` ends with `suffix`. */
function endsWith(bytes: Uint8Array, end: number, suffix: Uint8Array): boolean {
  if (end < suffix.length) return false;
  for (let i = 0; i < suffix.length; i++) {
    if (bytes[end - suffix.length + i] !== suffix[i]) return false;
  }
  return true;
}
