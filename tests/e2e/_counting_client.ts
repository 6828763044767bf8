import {
  type ClientMessage,
  encodeMessage,
  FrameDecoder,
  FrameType,
  ProtocolError,
} from "../../src/protocol/mod.ts";
import { writeAll } from "../support/mod.ts";
import type { Received } from "./_test_client.ts";
import { tail, Watch } from "./_wait.ts";

/** Room events longer than this are not parsed whole: only their tag is read. */
const LARGE_PAYLOAD = 512;
const TYPE = /^\{"type":"(\w+)"/;
const TEXT_TAG = /"text":"([^ "\\]+) /;

const decoder = new TextDecoder();

/**
 * A protocol client for load tests that does not keep what it receives: for each large room
 * event it records only the tag its text starts with (the text up to the first space) and
 * when it arrived, so fifty of them can receive tens of megabytes each without filling the
 * test's memory. Small messages (acks, notices, errors) are parsed and kept in `control`.
 */
export class CountingClient {
  /** Tag of each large `message` received → `performance.now()` when it arrived. */
  readonly received = new Map<string, number>();
  /** Tags received more than once. */
  readonly duplicates: string[] = [];
  /** Every small message, parsed. */
  readonly control: Received[] = [];
  readonly nick: string;
  #conn: Deno.Conn;
  #frames = new FrameDecoder();
  #watch = new Watch();
  #closed = false;
  #reading: Promise<void>;
  #writing: Promise<void> = Promise.resolve();

  private constructor(conn: Deno.Conn, nick: string) {
    this.#conn = conn;
    this.nick = nick;
    this.#reading = this.#read();
  }

  /** Connects, says `hello` and waits for the end of the history after `welcome`. */
  static async join(
    port: number,
    hello: { nick: string; passkey: string; room?: string },
  ): Promise<CountingClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const client = new CountingClient(conn, hello.nick);
    try {
      await client.send({ type: "hello", v: 1, ...hello });
      await client.waitUntil(() => client.control.some((m) => m.type === "history_end"), {
        what: "history_end after hello",
      });
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** Whether the connection has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one message, after any write in progress; resolves once it is written. */
  send(message: ClientMessage): Promise<void> {
    const write = this.#writing.then(() => writeAll(this.#conn, encodeMessage(message)));
    this.#writing = write.catch(() => {});
    return write;
  }

  /** Resolves once `check()` is true; rejects on timeout or when the connection ends first. */
  waitUntil(check: () => boolean, options: { what: string; timeoutMs?: number }): Promise<void> {
    return this.#watch.until(() => check() ? true : undefined, {
      what: `${options.what} (client ${this.nick})`,
      timeoutMs: options.timeoutMs,
      context: () =>
        `${this.received.size} tagged messages; small messages:\n` +
        tail(this.control.map((m) => JSON.stringify(m)), 20),
      ended: () => this.#closed,
    }).then(() => {});
  }

  /** Closes the connection and waits until the reader has stopped. */
  async close(): Promise<void> {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    await this.#reading;
  }

  async #read(): Promise<void> {
    const buffer = new Uint8Array(256 * 1024);
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        const now = performance.now();
        for (const frame of this.#frames.push(buffer.subarray(0, n))) {
          if (frame instanceof ProtocolError || frame.type !== FrameType.JSON) {
            this.control.push({ type: "#unexpected_frame", detail: String(frame) });
          } else this.#take(frame.payload, now);
        }
        this.#watch.notify();
      }
    } catch {
      // Reset by the server, or closed by us.
    } finally {
      this.#closed = true;
      this.#watch.notify();
    }
  }

  #take(payload: Uint8Array, now: number): void {
    if (payload.byteLength > LARGE_PAYLOAD) {
      const head = decoder.decode(payload.subarray(0, 256));
      const tag = head.match(TEXT_TAG)?.[1];
      if (head.match(TYPE)?.[1] === "message" && tag !== undefined) {
        if (this.received.has(tag)) this.duplicates.push(tag);
        else this.received.set(tag, now);
        return;
      }
    }
    try {
      this.control.push(JSON.parse(decoder.decode(payload)));
    } catch (error) {
      this.control.push({ type: "#bad_json", message: String(error) });
    }
  }
}
