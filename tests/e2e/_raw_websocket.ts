/**
 * A WebSocket client written for the tests, byte by byte from RFC 6455, so that a test can do
 * what a browser never would: announce a 60 MiB message and trickle it, fragment a message past
 * a limit, connect from another loopback address. It shares no code with the server's
 * WebSocket, so it checks it rather than agreeing with it.
 *
 * @module
 */
import {
  clientFrame,
  Op as Opcode,
  parseServerFrames,
  type ServerFrame,
} from "../_websocket_frames.ts";
import { type ByteLink, connectFrom } from "./_test_client.ts";
import { DEFAULT_TIMEOUT_MS } from "../support/mod.ts";
import { tail, Watch } from "./_wait.ts";

export { clientFrameHeader, Op as Opcode } from "../_websocket_frames.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * One WebSocket connection to `/ws`. Every frame the server sends is kept in `frames`; its
 * text messages are parsed into `messages`; its close frame's code is `closeCode`.
 */
export class RawWebSocket implements AsyncDisposable {
  readonly frames: ServerFrame[] = [];
  readonly messages: Record<string, unknown>[] = [];
  /** The code of the server's close frame, once it came. */
  closeCode: number | undefined;
  /** Whether the TCP connection has ended. */
  ended = false;
  readonly #link: ByteLink;
  readonly #watch = new Watch();
  #pending: Uint8Array = new Uint8Array(0);
  readonly #reading: Promise<void>;

  private constructor(link: ByteLink, rest: Uint8Array) {
    this.#link = link;
    this.#pending = rest;
    this.#parse();
    this.#reading = this.#read();
  }

  /**
   * Connects to 127.0.0.1:`port` (from `localAddress` if given), completes the opening
   * handshake and checks the server's `Sec-WebSocket-Accept`.
   */
  static async open(
    port: number,
    options: { localAddress?: string } = {},
  ): Promise<RawWebSocket> {
    const link = options.localAddress === undefined
      ? await Deno.connect({ hostname: "127.0.0.1", port })
      : await connectFrom(port, options.localAddress);
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    await writeAll(
      link,
      encoder.encode(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    let received: Uint8Array = new Uint8Array(0);
    let end = -1;
    const buffer = new Uint8Array(4096);
    while (end < 0) {
      const n = await link.read(buffer);
      if (n === null) throw new Error(`The server closed during the handshake: ${text(received)}`);
      received = concat(received, buffer.subarray(0, n));
      end = text(received).indexOf("\r\n\r\n");
    }
    const head = text(received.subarray(0, end));
    const digest = await crypto.subtle.digest(
      "SHA-1",
      encoder.encode(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`),
    );
    const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
    const answer = head.split("\r\n").find((line) => /^sec-websocket-accept:/i.test(line));
    if (!head.startsWith("HTTP/1.1 101 ") || answer?.split(":")[1].trim() !== accept) {
      link.close();
      throw new Error(`Not a WebSocket handshake answer:\n${head}`);
    }
    return new RawWebSocket(link, received.slice(end + 4));
  }

  /** Sends one text message. */
  sendText(message: string): Promise<void> {
    return this.write(clientFrame(Opcode.TEXT, encoder.encode(message)));
  }

  /** Sends one JSON control message as text. */
  sendJson(message: Record<string, unknown>): Promise<void> {
    return this.sendText(JSON.stringify(message));
  }

  /** Sends one binary message. */
  sendBinary(bytes: Uint8Array): Promise<void> {
    return this.write(clientFrame(Opcode.BINARY, bytes));
  }

  /** Writes raw bytes. Rejects once the connection is closed. */
  write(bytes: Uint8Array): Promise<void> {
    return writeAll(this.#link, bytes);
  }

  /**
   * Writes `bytes` payload bytes (already as if masked: their value does not matter) in pieces
   * of 64 KiB, until all are written or the server has closed; resolves with the count written.
   */
  async stream(bytes: number): Promise<number> {
    const piece = new Uint8Array(64 * 1024).fill(0x55);
    let written = 0;
    try {
      while (written < bytes && this.closeCode === undefined && !this.ended) {
        const size = Math.min(piece.byteLength, bytes - written);
        await this.write(piece.subarray(0, size));
        written += size;
      }
    } catch {
      // Closed or reset by the server.
    }
    return written;
  }

  /** Resolves with the first text message that `predicate` accepts. */
  waitFor(
    predicate: (message: Record<string, unknown>) => boolean,
    what: string,
  ): Promise<Record<string, unknown>> {
    return this.#watch.until(() => this.messages.find(predicate), {
      what,
      context: () => this.describe(),
      ended: () => this.ended,
    });
  }

  /** Resolves with the code of the server's close frame once the connection has ended. */
  waitForClose(options: { timeoutMs?: number } = {}): Promise<number | undefined> {
    return this.#watch.until(() => this.ended ? { code: this.closeCode } : undefined, {
      what: "the server to close the WebSocket",
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      context: () => this.describe(),
    }).then(({ code }) => code);
  }

  /** What was received, for failure messages. */
  describe(): string {
    return tail(
      this.frames.map((frame) =>
        `opcode ${frame.opcode}${frame.fin ? "" : " (not final)"}: ${
          frame.opcode === Opcode.BINARY
            ? `${frame.payload.byteLength} bytes`
            : text(frame.payload).slice(0, 200)
        }`
      ),
    );
  }

  /** Closes the TCP connection and waits until the reader has stopped. */
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
      for (;;) {
        const n = await this.#link.read(buffer);
        if (n === null) break;
        this.#pending = concat(this.#pending, buffer.subarray(0, n));
        this.#parse();
      }
    } catch {
      // Reset by the server, or closed by us.
    } finally {
      this.ended = true;
      this.#watch.notify();
    }
  }

  #parse(): void {
    const { frames, used } = parseServerFrames(this.#pending);
    this.#pending = this.#pending.slice(used);
    for (const frame of frames) {
      this.frames.push(frame);
      if (frame.opcode === Opcode.TEXT) this.messages.push(JSON.parse(text(frame.payload)));
      if (frame.opcode === Opcode.CLOSE) {
        this.closeCode = frame.payload.byteLength >= 2
          ? new DataView(frame.payload.buffer).getUint16(0)
          : 1005;
      }
    }
    if (frames.length > 0) this.#watch.notify();
  }
}

async function writeAll(link: ByteLink, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await link.write(bytes.subarray(written));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a);
  joined.set(b, a.byteLength);
  return joined;
}

function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
