import {
  type ClientMessage,
  encodeMessage,
  FrameDecoder,
  FrameType,
  parseJsonPayload,
  ProtocolError,
} from "../../src/protocol/mod.ts";
import { DEFAULT_TIMEOUT_MS, tail, Watch } from "./_wait.ts";

/** A message received from the server, as parsed JSON. */
export type Received = Record<string, unknown> & { type: string };

/** Options of {@linkcode TestClient.waitFor}. */
export interface WaitOptions {
  /** For the failure message: "bob's message". */
  what?: string;
  timeoutMs?: number;
  /** Only consider messages from this index on (see {@linkcode TestClient.mark}). */
  since?: number;
}

/** Options of {@linkcode TestClient.join}. */
export interface HelloOptions {
  nick: string;
  passkey: string;
  room?: string;
  /** The protocol version to claim; 1 unless told. */
  v?: number;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await conn.write(bytes.subarray(written));
}

/**
 * A client that speaks docs/PROTOCOL.md directly over TCP, for checks the CLI cannot make:
 * raw frames, error codes, many connections. Every received message is kept in `messages`.
 */
export class TestClient implements AsyncDisposable {
  /** Every message received so far, in order. Frames that are not JSON appear as `#frame`. */
  readonly messages: Received[] = [];
  /** A label for failure messages (the nick once `hello` is sent). */
  label: string;
  #conn: Deno.Conn;
  #decoder = new FrameDecoder();
  #watch = new Watch();
  #closed = false;
  #reading: Promise<void>;
  #writing: Promise<void> = Promise.resolve();
  #nextRid = 0;

  private constructor(conn: Deno.Conn, label: string) {
    this.#conn = conn;
    this.label = label;
    this.#reading = this.#read();
  }

  /** Opens a TCP connection to 127.0.0.1:`port` without saying anything. */
  static async connect(port: number, label = "raw client"): Promise<TestClient> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    return new TestClient(conn, label);
  }

  /**
   * Connects, says `hello` and waits for `welcome` and the end of the history that follows;
   * rejects with what the server said otherwise. Closes the connection if the join fails.
   */
  static async join(port: number, hello: HelloOptions): Promise<TestClient> {
    const client = await TestClient.connect(port, hello.nick);
    try {
      const reply = await client.hello(hello);
      if (reply.type !== "welcome") {
        throw new Error(`${hello.nick} could not join: ${JSON.stringify(reply)}`);
      }
      await client.waitFor((m) => m.type === "history_end", { what: "history_end after welcome" });
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** Whether the server closed the connection (or `close()` was called). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The number of messages so far: pass it as `since` to wait only for newer ones. */
  mark(): number {
    return this.messages.length;
  }

  /** A fresh request id. */
  rid(): string {
    return `${this.label}-${++this.#nextRid}`;
  }

  /** Sends `hello` and resolves with `welcome` or `error`. */
  async hello(options: HelloOptions): Promise<Received> {
    this.label = options.nick;
    const since = this.mark();
    await this.sendMessage({
      type: "hello",
      v: options.v ?? 1,
      nick: options.nick,
      passkey: options.passkey,
      ...(options.room === undefined ? {} : { room: options.room }),
      client: "e2e-test",
    });
    return await this.waitFor((m) => m.type === "welcome" || m.type === "error", {
      since,
      what: "welcome or error after hello",
    });
  }

  /** Sends one message as a `JSON` frame. Objects outside the protocol types are allowed. */
  sendMessage(message: ClientMessage | Received): Promise<void> {
    return this.sendBytes(encodeMessage(message as ClientMessage));
  }

  /** Writes raw bytes, after any write in progress. */
  sendBytes(bytes: Uint8Array): Promise<void> {
    const write = this.#writing.then(() => writeAll(this.#conn, bytes));
    this.#writing = write.catch(() => {});
    return write;
  }

  /** Sends a request with a `rid` and resolves with the first reply that carries it back. */
  async request(message: Received & { rid: string }, options: WaitOptions = {}): Promise<Received> {
    const since = this.mark();
    await this.sendMessage(message);
    return await this.waitFor((m) => m.rid === message.rid, {
      since,
      what: `a reply to ${message.type} rid ${message.rid}`,
      ...options,
    });
  }

  /** Sends `text` to the room; resolves with the `ack` or the `error`. */
  send(text: string, options: { action?: boolean; rid?: string } = {}): Promise<Received> {
    const rid = options.rid ?? this.rid();
    return this.request({
      type: "send",
      rid,
      text,
      ...(options.action ? { action: true } : {}),
    });
  }

  /** Sends a private message; resolves with the `ack` or the `error`. */
  private(to: string, text: string): Promise<Received> {
    return this.request({ type: "private", rid: this.rid(), to, text });
  }

  /** Round-trips a `ping`: proves the connection is open and everything before it was read. */
  async ping(options: { timeoutMs?: number } = {}): Promise<void> {
    const reply = await this.request({ type: "ping", rid: this.rid() }, options);
    if (reply.type !== "pong") throw new Error(`Expected pong, got ${JSON.stringify(reply)}`);
  }

  /** Resolves with the first message (from `since` on) that `predicate` accepts. */
  waitFor(predicate: (message: Received) => boolean, options: WaitOptions = {}): Promise<Received> {
    return this.#watch.until(() => this.messages.slice(options.since ?? 0).find(predicate), {
      what: `${options.what ?? "a message"} (client ${this.label})`,
      timeoutMs: options.timeoutMs,
      context: () => this.describe(),
      ended: () => this.#closed,
    });
  }

  /** Resolves once `check` over all messages is true; for counts and sets. */
  waitUntil(check: (messages: Received[]) => boolean, options: WaitOptions = {}): Promise<void> {
    return this.#watch.until(() => check(this.messages) ? true : undefined, {
      what: `${options.what ?? "a condition"} (client ${this.label})`,
      timeoutMs: options.timeoutMs,
      context: () => this.describe(),
      ended: () => this.#closed,
    }).then(() => {});
  }

  /** Resolves once the server has closed the connection. */
  waitForClose(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.#watch.until(() => this.#closed ? true : undefined, {
      what: `the server to close the connection of ${this.label}`,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      context: () => this.describe(),
    }).then(() => {});
  }

  /** The messages so far, for failure messages. */
  describe(): string {
    return tail(this.messages.map((m) => JSON.stringify(m)));
  }

  /** Half-closes the connection: the server reads end of input, and may still answer. */
  async closeWrite(): Promise<void> {
    await this.#writing;
    try {
      await this.#conn.closeWrite();
    } catch {
      // Already closed or reset by the server.
    }
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

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #read(): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        for (const result of this.#decoder.push(buffer.subarray(0, n))) {
          this.messages.push(this.#toReceived(result));
        }
        this.#watch.notify();
      }
    } catch {
      // Reset by the server, or closed by us: either way no more input.
    } finally {
      this.#closed = true;
      this.#watch.notify();
    }
  }

  #toReceived(result: ReturnType<FrameDecoder["push"]>[number]): Received {
    if (result instanceof ProtocolError) {
      return { type: "#decode_error", code: result.code, message: result.message };
    }
    if (result.type !== FrameType.JSON) return { type: "#frame", frameType: result.type };
    try {
      return parseJsonPayload(result.payload);
    } catch (error) {
      return { type: "#bad_json", message: String(error) };
    }
  }
}
