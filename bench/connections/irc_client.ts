/**
 * A minimal IRC client for the connection benchmark's references (ngircd, InspIRCd): `NICK` and
 * `USER`, wait for `001`, `JOIN #bench`, wait for the end of `NAMES` (`366`). Like the chat
 * client it decodes only what it must: a batch of join notices with no `P` in it (no `PING`, no
 * `PRIVMSG`) is skipped unread.
 *
 * @module
 */
import { withTimeout, writeAll } from "../../tests/support/mod.ts";
import type { DeliveryCounter } from "./delivery_counter.ts";
import type { SwarmClient } from "./swarm.ts";
import { closeQuietly } from "../shared/mod.ts";

const READ_BUFFER_BYTES = 8 * 1024;
const NEWLINE = 0x0a;
const CAPITAL_P = 0x50;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The channel every client joins. */
export const IRC_CHANNEL = "#bench";

/** One registered IRC connection in {@linkcode IRC_CHANNEL}. */
export class IrcSwarmClient implements SwarmClient {
  readonly #conn: Deno.TcpConn;
  readonly #counter: DeliveryCounter;
  #waiting: { numeric: string; done: PromiseWithResolvers<void> } | undefined;
  #joined = false;
  #tail: Uint8Array = new Uint8Array(0);
  #closedBy: string | undefined;
  #closed = false;

  private constructor(conn: Deno.TcpConn, counter: DeliveryCounter) {
    this.#conn = conn;
    this.#counter = counter;
    this.#read().catch(() => {});
  }

  /** Connects, registers as `nick` and joins {@linkcode IRC_CHANNEL}. */
  static async open(port: number, nick: string, counter: DeliveryCounter): Promise<IrcSwarmClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const client = new IrcSwarmClient(conn, counter);
    try {
      await client.#command(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`, "001");
      await client.#command(`JOIN ${IRC_CHANNEL}\r\n`, "366");
    } catch (error) {
      client.close();
      throw error;
    }
    client.#joined = true;
    return client;
  }

  /** Why the connection ended, once it has. */
  get closedBy(): string | undefined {
    return this.#closedBy;
  }

  /** Sends `text` to the channel. */
  async say(text: string): Promise<void> {
    await writeAll(this.#conn, encoder.encode(`PRIVMSG ${IRC_CHANNEL} :${text}\r\n`));
  }

  /** Closes the connection; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }

  async #command(lines: string, numeric: string): Promise<void> {
    const done = Promise.withResolvers<void>();
    this.#waiting = { numeric, done };
    await writeAll(this.#conn, encoder.encode(lines));
    await withTimeout(done.promise, { timeoutMs: 120_000, what: `numeric ${numeric}` });
  }

  async #read(): Promise<void> {
    const buffer = new Uint8Array(READ_BUFFER_BYTES);
    try {
      for (;;) {
        const read = await this.#conn.read(buffer);
        if (read === null) break;
        this.#take(buffer.subarray(0, read));
      }
      this.#closedBy ??= "the server closed the connection";
    } catch (error) {
      if (!this.#closed) this.#closedBy ??= String(error);
    } finally {
      this.#waiting?.done.reject(new Error(`Closed during registration: ${this.#closedBy}`));
    }
  }

  #take(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.#tail.byteLength > 0) {
      bytes = new Uint8Array(this.#tail.byteLength + chunk.byteLength);
      bytes.set(this.#tail);
      bytes.set(chunk, this.#tail.byteLength);
    }
    const end = bytes.lastIndexOf(NEWLINE) + 1;
    this.#tail = bytes.slice(end);
    const lines = bytes.subarray(0, end);
    if (this.#joined && !lines.includes(CAPITAL_P)) return;
    for (const line of decoder.decode(lines).split("\r\n")) this.#line(line);
  }

  #line(line: string): void {
    if (line.startsWith("PING ")) {
      writeAll(this.#conn, encoder.encode(`PONG ${line.slice(5)}\r\n`)).catch(() => {});
      return;
    }
    if (line.includes(this.#counter.marker) && line.includes(" PRIVMSG ")) {
      this.#counter.delivered();
      return;
    }
    if (line.startsWith("ERROR ")) {
      this.#closedBy = line;
      this.#waiting?.done.reject(new Error(line));
      return;
    }
    const numeric = line.split(" ", 3)[1];
    if (numeric === undefined || !/^\d{3}$/.test(numeric)) return;
    if (numeric === this.#waiting?.numeric) {
      this.#waiting.done.resolve();
      this.#waiting = undefined;
    } else if (/^4[3-7]\d$/.test(numeric) && this.#waiting !== undefined) {
      // Nick, registration and channel refusals; not 422 (no MOTD), which is harmless.
      this.#waiting.done.reject(new Error(`The server answered: ${line}`));
    }
  }
}
