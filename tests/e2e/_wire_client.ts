import net from "node:net";
import {
  type ClientMessage,
  encodeMessage,
  FrameDecoder,
  FrameType,
  parseJsonPayload,
  ProtocolError,
} from "../../src/protocol/mod.ts";
import { DEFAULT_TIMEOUT_MS, tail, Watch } from "./_wait.ts";
import type { HelloOptions, Received } from "./_test_client.ts";

/** The part of `Deno.Conn` a {@linkcode WireClient} uses; a Deno connection is one. */
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

/**
 * A protocol client over any {@linkcode ByteLink}, like `TestClient` but able to connect from
 * another loopback address, and keeping the text of frames that are not JSON too, so a test
 * can search everything the server sent for a secret.
 */
export class WireClient implements AsyncDisposable {
  /** Every message received, in order; a frame that is not JSON appears as `#frame`. */
  readonly messages: Received[] = [];
  label: string;
  /** Bytes received in all. */
  bytesReceived = 0;
  readonly #link: ByteLink;
  readonly #decoder = new FrameDecoder();
  readonly #watch = new Watch();
  readonly #reading: Promise<void>;
  #closed = false;
  #writing: Promise<void> = Promise.resolve();

  constructor(link: ByteLink, label: string) {
    this.#link = link;
    this.label = label;
    this.#reading = this.#read();
  }

  /** Connects from `localAddress` (127.0.0.1 through `Deno.connect` unless told). */
  static async connect(
    port: number,
    options: { localAddress?: string; label?: string } = {},
  ): Promise<WireClient> {
    const link = options.localAddress === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port })
      : await connectFrom(port, options.localAddress);
    return new WireClient(link, options.label ?? `client from ${options.localAddress}`);
  }

  /** Whether the server closed the connection (or `close()` was called). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sends `hello` and resolves with `welcome` or `error`. */
  async hello(options: HelloOptions): Promise<Received> {
    this.label = options.nick;
    const since = this.messages.length;
    await this.sendMessage({
      type: "hello",
      v: options.v ?? 1,
      nick: options.nick,
      passkey: options.passkey,
      room: options.room ?? "lobby",
    });
    return await this.waitFor((m) => m.type === "welcome" || m.type === "error", {
      since,
      what: "welcome or error after hello",
    });
  }

  /** Sends one message as a `JSON` frame. */
  sendMessage(message: ClientMessage | Received): Promise<void> {
    return this.sendBytes(encodeMessage(message as ClientMessage));
  }

  /** Writes raw bytes after any write in progress; rejects if the connection is gone. */
  sendBytes(bytes: Uint8Array): Promise<void> {
    const write = this.#writing.then(async () => {
      let written = 0;
      while (written < bytes.byteLength) {
        written += await this.#link.write(bytes.subarray(written));
      }
    });
    this.#writing = write.catch(() => {});
    return write;
  }

  /** Sends a request and resolves with the first reply that carries its `rid`. */
  async request(message: Received & { rid: string }): Promise<Received> {
    const since = this.messages.length;
    await this.sendMessage(message);
    return await this.waitFor((m) => m.rid === message.rid, {
      since,
      what: `a reply to ${message.type} rid ${message.rid}`,
    });
  }

  /** Resolves with the first message (from index `since` on) that `predicate` accepts. */
  waitFor(
    predicate: (message: Received) => boolean,
    options: { what?: string; since?: number; timeoutMs?: number } = {},
  ): Promise<Received> {
    return this.#watch.until(() => this.messages.slice(options.since ?? 0).find(predicate), {
      what: `${options.what ?? "a message"} (client ${this.label})`,
      timeoutMs: options.timeoutMs,
      context: () => this.describe(),
      ended: () => this.#closed,
    });
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

  /** Half-closes: the server reads end of input. */
  async closeWrite(): Promise<void> {
    await this.#writing;
    await this.#link.closeWrite().catch(() => {});
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
    const text = new TextDecoder();
    try {
      while (true) {
        const n = await this.#link.read(buffer);
        if (n === null) break;
        this.bytesReceived += n;
        for (const result of this.#decoder.push(buffer.subarray(0, n))) {
          if (result instanceof ProtocolError) {
            this.messages.push({ type: "#decode_error", code: result.code });
          } else if (result.type !== FrameType.JSON) {
            this.messages.push({
              type: "#frame",
              frameType: result.type,
              text: text.decode(result.payload),
            });
          } else {
            try {
              this.messages.push(parseJsonPayload(result.payload));
            } catch {
              this.messages.push({ type: "#bad_json", text: text.decode(result.payload) });
            }
          }
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
}
