/**
 * A minimal chat client for the connection benchmark, on the raw protocol (docs/PROTOCOL.md):
 * frames from {@linkcode FrameDecoder}, messages from {@linkcode encodeMessage}. It reads
 * everything the server sends but parses only what it must, so ten thousand of them fit in the
 * benchmark process and keep up with the join notices of ten thousand others.
 *
 * @module
 */
import {
  encodeMessage,
  FrameDecoder,
  FrameType,
  PROTOCOL_VERSION,
} from "../../src/protocol/mod.ts";
import { withTimeout, writeAll } from "../../tests/support/mod.ts";
import type { DeliveryCounter } from "./delivery_counter.ts";
import type { SwarmClient } from "./swarm.ts";
import { closeQuietly } from "../shared/mod.ts";

/** Small: an idle client reads little, and ten thousand of these live at once. */
const READ_BUFFER_BYTES = 8 * 1024;
/** `{"type":"` — every server message starts so; the next byte tells the type apart. */
const TYPE_PREFIX = new TextEncoder().encode('{"type":"');
const decoder = new TextDecoder();
const PONG = encodeMessage({ type: "pong" });

/** One TCP connection to `chat serve`; reads from the moment it is opened. */
export class ChatSwarmClient implements SwarmClient {
  readonly #conn: Deno.TcpConn;
  readonly #counter: DeliveryCounter;
  #loggedIn: PromiseWithResolvers<void> | undefined;
  #closedBy: string | undefined;
  #closed = false;
  #rid = 0;

  private constructor(conn: Deno.TcpConn, counter: DeliveryCounter) {
    this.#conn = conn;
    this.#counter = counter;
    this.#read().catch(() => {});
  }

  /** Opens a TCP connection and says nothing yet (the server waits for `hello`). */
  static async open(port: number, counter: DeliveryCounter): Promise<ChatSwarmClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    return new ChatSwarmClient(conn, counter);
  }

  /** Why the connection ended, once it has. */
  get closedBy(): string | undefined {
    return this.#closedBy;
  }

  /** Says `hello` and resolves at `history_end`: the client is then in `room`. */
  async login(options: { nick: string; passkey: string; room: string }): Promise<void> {
    if (this.#closedBy !== undefined) throw new Error(`Closed before login: ${this.#closedBy}`);
    this.#loggedIn = Promise.withResolvers();
    await writeAll(
      this.#conn,
      encodeMessage({
        type: "hello",
        v: PROTOCOL_VERSION,
        nick: options.nick,
        passkey: options.passkey,
        room: options.room,
        client: "bench/connections",
      }),
    );
    await withTimeout(this.#loggedIn.promise, {
      timeoutMs: 600_000,
      what: `${options.nick}'s history_end`,
    });
  }

  /** Sends `text` to the room. */
  async say(text: string): Promise<void> {
    await writeAll(this.#conn, encodeMessage({ type: "send", rid: `r${++this.#rid}`, text }));
  }

  /** Closes the connection; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }

  async #read(): Promise<void> {
    const frames = new FrameDecoder();
    const buffer = new Uint8Array(READ_BUFFER_BYTES);
    try {
      for (;;) {
        const read = await this.#conn.read(buffer);
        if (read === null) break;
        for (const frame of frames.push(buffer.subarray(0, read))) {
          if (frame instanceof Error) throw frame;
          if (frame.type === FrameType.JSON) this.#handle(frame.payload);
        }
      }
      this.#closedBy ??= "the server closed the connection";
    } catch (error) {
      if (!this.#closed) this.#closedBy ??= String(error);
    } finally {
      this.#closedBy ??= "closed";
      this.#loggedIn?.reject(new Error(`Closed during login: ${this.#closedBy}`));
    }
  }

  #handle(payload: Uint8Array): void {
    const kind = hasTypePrefix(payload) ? payload[TYPE_PREFIX.length] : 0;
    // Join notices are almost everything that arrives: skipped without decoding.
    if (kind === 0x6e /* n */) return;
    if (kind === 0x70 /* p */) {
      // Before `hello` any other message would end the connection, a pong too.
      if (payload[TYPE_PREFIX.length + 1] === 0x69 /* i: ping */ && this.#loggedIn) {
        writeAll(this.#conn, PONG).catch(() => {});
      }
      return;
    }
    if (kind === 0x6d /* m */) {
      if (decoder.decode(payload).includes(this.#counter.marker)) this.#counter.delivered();
      return;
    }
    const message = JSON.parse(decoder.decode(payload)) as Record<string, unknown>;
    if (message.type === "history_end") this.#loggedIn?.resolve();
    else if (message.type === "error" || message.type === "bye") {
      this.#closedBy = `${message.type}: ${message.code ?? message.reason} ${message.message}`;
      if (message.type === "bye" || message.fatal === true) {
        this.#loggedIn?.reject(new Error(this.#closedBy));
      }
    }
  }
}

function hasTypePrefix(payload: Uint8Array): boolean {
  if (payload.byteLength <= TYPE_PREFIX.length + 1) return false;
  for (let i = 0; i < TYPE_PREFIX.length; i++) {
    if (payload[i] !== TYPE_PREFIX[i]) return false;
  }
  return true;
}
