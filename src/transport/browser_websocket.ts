import {
  type DecodeResult,
  type Frame,
  FrameType,
  MAX_FRAME_BYTES,
  type Outbound,
  OutboundChunk,
  ProtocolError,
} from "../protocol/mod.ts";
import type { Connection } from "./connection.ts";

const encoder = new TextEncoder();

/** Messages received but not yet handled, past which a flooding browser is cut off. */
const MAX_PENDING_MESSAGES = 1024;
/** A sender waits while more than this is buffered for the socket. */
const HIGH_WATER_BYTES = 1024 * 1024;

/**
 * A {@linkcode Connection} over the WebSocket API of a browser (or of Deno), the client's side, as
 * docs/PROTOCOL.md section 8 describes: a text
 * message is one JSON control message, a binary message is a frame without its length prefix
 * (type byte, then payload), so WebSocket and TCP clients meet in the same hub.
 */
export class BrowserWebSocketConnection implements Connection {
  readonly remote: string;
  maxFrameBytes = MAX_FRAME_BYTES;
  readonly #socket: WebSocket;
  readonly #pending: (Frame | ProtocolError | null)[] = [];
  #wake: (() => void) | undefined;
  readonly #opened: Promise<void>;

  constructor(socket: WebSocket, remote: string) {
    this.#socket = socket;
    this.remote = remote;
    socket.binaryType = "arraybuffer";
    const opened = Promise.withResolvers<void>();
    this.#opened = opened.promise;
    socket.addEventListener("open", () => opened.resolve());
    socket.addEventListener("message", (event) => this.#receive(event.data));
    socket.addEventListener("close", () => {
      opened.resolve();
      this.#push(null);
    });
    socket.addEventListener("error", () => this.#push(null));
  }

  async *frames(): AsyncGenerator<DecodeResult> {
    for (;;) {
      while (this.#pending.length === 0) {
        await new Promise<void>((resolve) => this.#wake = resolve);
      }
      const next = this.#pending.shift()!;
      if (next === null) return;
      yield next;
      if (next instanceof ProtocolError) return;
    }
  }

  async send(items: readonly Outbound[]): Promise<void> {
    await this.#opened;
    for (const item of items) {
      if (this.#socket.readyState !== WebSocket.OPEN) {
        throw new Error("The WebSocket is closed.");
      }
      if (item instanceof OutboundChunk) {
        const bytes = new Uint8Array(5 + item.data.byteLength);
        bytes[0] = FrameType.CHUNK;
        new DataView(bytes.buffer).setUint32(1, item.transfer);
        bytes.set(item.data, 5);
        this.#socket.send(bytes);
      } else {
        this.#socket.send(item.json);
      }
      // The WebSocket API queues without limit; wait here so the outbox's bound holds.
      while (
        this.#socket.bufferedAmount > HIGH_WATER_BYTES &&
        this.#socket.readyState === WebSocket.OPEN
      ) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  close(): void {
    try {
      this.#socket.close();
    } catch {
      // Already closing.
    }
    this.#push(null);
  }

  #receive(data: unknown): void {
    if (this.#pending.length >= MAX_PENDING_MESSAGES) {
      this.#push(
        new ProtocolError("frame_too_large", "Too many messages at once; slow down.", {
          fatal: true,
        }),
      );
      return;
    }
    if (typeof data === "string") {
      // Every UTF-16 unit is at least one UTF-8 byte: a cheap first check before encoding.
      if (data.length > this.maxFrameBytes) return this.#tooLarge(data.length);
      const payload = encoder.encode(data);
      if (payload.byteLength + 1 > this.maxFrameBytes) return this.#tooLarge(payload.byteLength);
      this.#push({ type: FrameType.JSON, payload });
    } else if (data instanceof ArrayBuffer) {
      if (data.byteLength > this.maxFrameBytes) return this.#tooLarge(data.byteLength);
      const bytes = new Uint8Array(data);
      if (bytes.byteLength === 0) {
        this.#push(new ProtocolError("bad_frame", "Frame length 0 is invalid", { fatal: true }));
        return;
      }
      this.#push({ type: bytes[0], payload: bytes.subarray(1) });
    }
  }

  #tooLarge(length: number): void {
    this.#push(
      new ProtocolError(
        "frame_too_large",
        `Frame length ${length} exceeds the limit of ${this.maxFrameBytes}`,
        { fatal: true },
      ),
    );
  }

  #push(item: Frame | ProtocolError | null): void {
    this.#pending.push(item);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
