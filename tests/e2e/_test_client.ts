import net from "node:net";
import {
  type ClientMessage,
  encodeMessage,
  FrameDecoder,
  FrameType,
  parseJsonPayload,
  ProtocolError,
} from "../../src/protocol/mod.ts";
import { DEFAULT_TIMEOUT_MS, writeAll } from "../support/mod.ts";
import { tail, Watch } from "./_wait.ts";

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
  /** A resume token of an earlier connection. */
  resume?: string;
  /** The last event id seen, for a catch-up. */
  since?: number;
  /** False for a connection that only transfers files. */
  presence?: boolean;
  /** A device credential to log in with (another machine's, such as `chat join`'s). */
  device?: string;
  /**
   * Log in as a stranger: without the device credential an earlier connection under this nick
   * to this server was given. By default a test client is the same person as every earlier test
   * client of the nick on the server, as one machine that keeps its device is.
   */
  stranger?: boolean;
}

/**
 * Device credentials given to test clients, by server port and nick: the test process is one
 * machine, which keeps the device it was given and comes back with it.
 */
const DEVICES = new Map<string, string>();

/** The part of `Deno.Conn` a {@linkcode TestClient} uses; a Deno connection is one. */
export interface ByteLink {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
}

/**
 * Connects to 127.0.0.1:`port` from the loopback address `localAddress` (such as 127.0.0.2).
 * `Deno.connect` cannot choose its source address, and every connection it makes to loopback
 * comes from 127.0.0.1; `node:net` can, so tests can play clients on different machines.
 */
export function connectFrom(port: number, localAddress: string): Promise<ByteLink> {
  const socket = net.connect({ host: "127.0.0.1", port, localAddress });
  const chunks: Uint8Array[] = [];
  const waiting: (() => void)[] = [];
  let ended = false;
  const wake = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  socket.on("data", (data: Uint8Array) => {
    chunks.push(new Uint8Array(data));
    wake();
  });
  socket.on("close", () => {
    ended = true;
    wake();
  });
  // A reset ends the stream like a close; the "close" event follows.
  socket.on("error", () => {});
  const link: ByteLink = {
    async read(buffer) {
      while (chunks.length === 0 && !ended) {
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      const chunk = chunks.shift();
      if (chunk === undefined) return null;
      const n = Math.min(buffer.byteLength, chunk.byteLength);
      buffer.set(chunk.subarray(0, n));
      if (n < chunk.byteLength) chunks.unshift(chunk.subarray(n));
      return n;
    },
    write(bytes) {
      return new Promise((resolve, reject) => {
        if (ended || socket.destroyed) return reject(new Error("The connection is closed."));
        socket.write(bytes, (error) => error ? reject(error) : resolve(bytes.byteLength));
      });
    },
    closeWrite() {
      return new Promise((resolve) => socket.end(resolve));
    },
    close() {
      socket.destroy();
    },
  };
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(link));
    socket.once("error", reject);
  });
}

const decoder = new TextDecoder();

/**
 * A client that speaks docs/PROTOCOL.md directly over TCP, for checks the CLI cannot make:
 * raw frames, error codes, many connections, connections from other loopback addresses. Every
 * received message is kept in `messages`, with the text of frames that are not JSON too, so a
 * test can search everything the server sent for a secret.
 */
export class TestClient implements AsyncDisposable {
  /**
   * Every message received so far, in order. A frame that is not JSON appears as `#frame`, with
   * its payload as `text`.
   */
  readonly messages: Received[] = [];
  /** A label for failure messages (the nick once `hello` is sent). */
  label: string;
  #link: ByteLink;
  #decoder = new FrameDecoder();
  #watch = new Watch();
  #closed = false;
  #reading: Promise<void>;
  #writing: Promise<void> = Promise.resolve();
  #nextRid = 0;
  readonly #port: number;

  private constructor(link: ByteLink, label: string, port: number) {
    this.#link = link;
    this.label = label;
    this.#port = port;
    this.#reading = this.#read();
  }

  /**
   * Opens a TCP connection to 127.0.0.1:`port` without saying anything: from 127.0.0.1 through
   * `Deno.connect`, or from `localAddress` (such as 127.0.0.2) through {@linkcode connectFrom}.
   */
  static async connect(
    port: number,
    label = "raw client",
    options: { localAddress?: string } = {},
  ): Promise<TestClient> {
    const link = options.localAddress === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port })
      : await connectFrom(port, options.localAddress);
    return new TestClient(link, label, port);
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
    const key = `${this.#port} ${options.nick.toLowerCase()}`;
    const device = options.device ?? (options.stranger ? undefined : DEVICES.get(key));
    await this.sendMessage({
      type: "hello",
      v: options.v ?? 1,
      nick: options.nick,
      passkey: options.passkey,
      ...(device === undefined ? {} : { device }),
      ...(options.room === undefined ? {} : { room: options.room }),
      ...(options.resume === undefined ? {} : { resume: options.resume }),
      ...(options.since === undefined ? {} : { since: options.since }),
      ...(options.presence === undefined ? {} : { presence: options.presence }),
      client: "e2e-test",
    });
    const reply = await this.waitFor((m) => m.type === "welcome" || m.type === "error", {
      since,
      what: "welcome or error after hello",
    });
    if (reply.type === "welcome" && typeof reply.device === "string") {
      DEVICES.set(key, reply.device);
    }
    return reply;
  }

  /** Sends one message as a `JSON` frame. Objects outside the protocol types are allowed. */
  sendMessage(message: ClientMessage | Received): Promise<void> {
    return this.sendBytes(encodeMessage(message as ClientMessage));
  }

  /** Writes raw bytes, after any write in progress. */
  sendBytes(bytes: Uint8Array): Promise<void> {
    const write = this.#writing.then(() => writeAll(this.#link, bytes));
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
      await this.#link.closeWrite();
    } catch {
      // Already closed or reset by the server.
    }
  }

  /** Closes the connection and waits until the reader has stopped. */
  async close(): Promise<void> {
    try {
      this.#link.close();
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
        const n = await this.#link.read(buffer);
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
    if (result.type !== FrameType.JSON) {
      return { type: "#frame", frameType: result.type, text: decoder.decode(result.payload) };
    }
    try {
      return parseJsonPayload(result.payload);
    } catch (error) {
      return { type: "#bad_json", message: String(error), text: decoder.decode(result.payload) };
    }
  }
}
