import {
  type DecodeResult,
  FrameType,
  MAX_FRAME_BYTES,
  type Outbound,
  ProtocolError,
} from "../../protocol/mod.ts";
import type { Connection } from "../connection.ts";
import { remoteOf } from "../remote.ts";
import { encodeServerFrame, Opcode } from "./frame_header.ts";
import {
  CloseCode,
  type Oversized,
  type WebSocketEvent,
  WebSocketReader,
} from "./message_reader.ts";
import { encodeOutbound } from "./outbound_frames.ts";

/**
 * How long a closing connection waits for the peer's close frame (or its end of stream) before
 * the socket is closed anyway. Meanwhile what the peer sends is read and dropped, so it hears
 * the close frame rather than a reset.
 */
const CLOSE_TIMEOUT_MS = 1000;
/**
 * A {@linkcode Connection} over a WebSocket that the HTTP server has opened on a socket, as
 * docs/PROTOCOL.md section 8 describes: a text message is one JSON control message, a binary
 * message a frame without its length prefix (type byte, then payload). WebSocket and TCP
 * clients thus meet in the same hub.
 *
 * Messages are read from the socket only when `frames()` asks for the next one, and
 * `maxFrameBytes` is checked against each frame header's announced length before its payload is
 * read ({@linkcode WebSocketReader}): an oversized message is answered with the `error` the
 * consumer sends, then a close frame with code 1009. `send()` resolves once the socket has taken
 * the bytes, so the outbox's bound on queued bytes holds here too.
 *
 * @example
 * ```ts ignore
 * // After writing the 101 answer to the opening handshake on `conn`:
 * const connection = new WebSocketConnection(conn, { buffered: bytesAfterTheRequest });
 * for await (const frame of connection.frames()) console.log(frame);
 * ```
 */
export class WebSocketConnection implements Connection {
  readonly remote: string;
  readonly #conn: Deno.Conn;
  readonly #reader: WebSocketReader;
  #maxFrameBytes = 0;
  /** Writes asked for and not finished; the last of them, which the next one waits for. */
  #writes = 0;
  #last: Promise<void> = Promise.resolve();
  /** The code of the close frame this side sends. */
  #closeCode: number = CloseCode.NORMAL;
  /** Whether the close frame is sent or queued: nothing else is written after it. */
  #closing = false;
  /** Whether `frames()` is running, so it, not `close()`, reads the rest. */
  #reading = false;
  #pongQueued = false;
  /** Whether the peer's close frame or end of stream has been read. */
  #peerDone = false;
  /** Whether `#awaitPeerClose()` is reading. */
  #awaiting = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #ended = Promise.withResolvers<void>();
  #destroyed = false;

  constructor(conn: Deno.Conn, options: { buffered?: Uint8Array } = {}) {
    this.#conn = conn;
    this.remote = remoteOf(conn);
    this.#reader = new WebSocketReader(conn, { buffered: options.buffered });
    this.maxFrameBytes = MAX_FRAME_BYTES;
  }

  /** The largest message accepted from the peer from now on, type byte included. */
  get maxFrameBytes(): number {
    return this.#maxFrameBytes;
  }

  set maxFrameBytes(bytes: number) {
    this.#maxFrameBytes = bytes;
    this.#reader.maxBinaryBytes = bytes;
    // A text message is a JSON frame's payload: its type byte is not sent.
    this.#reader.maxTextBytes = bytes - 1;
  }

  /** Resolves once the socket is closed. */
  get ended(): Promise<void> {
    return this.#ended.promise;
  }

  async *frames(): AsyncGenerator<DecodeResult> {
    this.#reading = true;
    try {
      while (!this.#closing) {
        const event = await this.#reader.read();
        if (this.#closing) {
          this.#endsClosing(event);
          return;
        }
        switch (event.kind) {
          case "text":
            yield { type: FrameType.JSON, payload: event.payload };
            break;
          case "binary":
            if (event.payload.byteLength === 0) {
              this.#closeCode = CloseCode.POLICY;
              yield new ProtocolError("bad_frame", "Frame length 0 is invalid", { fatal: true });
              return;
            }
            yield { type: event.payload[0], payload: event.payload.subarray(1) };
            break;
          case "ping":
            this.#pong(event.payload);
            break;
          case "pong":
            break;
          case "close":
            // Echoed with the peer's code; then the server closes the socket first (RFC 6455 7.1.1).
            this.#closeCode = event.code ?? CloseCode.NORMAL;
            this.#startClosing();
            this.#endsClosing(event);
            return;
          case "end":
            this.#destroy();
            return;
          case "failure":
            this.#closeCode = event.closeCode;
            yield failureError(event.message, event.oversized, this.#maxFrameBytes);
            return;
        }
      }
    } finally {
      this.#reading = false;
      if (this.#closing) this.#awaitPeerClose();
    }
  }

  send(items: readonly Outbound[]): Promise<void> {
    if (this.#closing) return Promise.reject(new Error("The WebSocket is closed."));
    return this.#enqueue(encodeOutbound(items));
  }

  /**
   * Sends a close frame after everything queued, then waits briefly for the peer's close frame
   * before closing the socket. Safe to call twice.
   */
  close(): void {
    if (this.#closing) return;
    this.#startClosing();
    if (!this.#reading) this.#awaitPeerClose();
  }

  #startClosing(): void {
    this.#closing = true;
    this.#reader.discardData = true;
    const code = new Uint8Array([this.#closeCode >> 8, this.#closeCode & 0xff]);
    this.#enqueue([encodeServerFrame(Opcode.CLOSE, code)]).catch(() => {});
    this.#timer = setTimeout(() => this.#destroy(), CLOSE_TIMEOUT_MS);
  }

  /** Reads (and drops) what the peer still sends, until its close frame or end of stream. */
  async #awaitPeerClose(): Promise<void> {
    if (this.#awaiting || this.#peerDone) return;
    this.#awaiting = true;
    while (!this.#peerDone && !this.#destroyed) this.#endsClosing(await this.#reader.read());
  }

  /**
   * While closing: if `event` is the peer's close or end, the socket is closed once the close
   * frame has gone out (or could not).
   */
  #endsClosing(event: WebSocketEvent): void {
    if (event.kind === "close" || event.kind === "end" || event.kind === "failure") {
      this.#peerDone = true;
      this.#last.finally(() => this.#destroy()).catch(() => {});
    }
  }

  /** Answers a ping; while a pong waits to be written, later pings share it (RFC 6455 5.5.3). */
  #pong(payload: Uint8Array): void {
    if (this.#pongQueued) return;
    this.#pongQueued = true;
    const frame = encodeServerFrame(Opcode.PONG, payload);
    this.#enqueue([frame]).finally(() => this.#pongQueued = false).catch(() => {});
  }

  /** Writes `segments` in order after the writes in progress. */
  #enqueue(segments: Uint8Array[]): Promise<void> {
    const written = this.#writes === 0
      ? this.#write(segments, 0)
      : this.#last.then(() => this.#write(segments, 0), () => this.#write(segments, 0));
    this.#writes++;
    this.#last = written;
    return written;
  }

  /** Writes all of `segments` from index `index` on, then counts the write as done. */
  #write(segments: Uint8Array[], index: number): Promise<void> {
    return writeAll(this.#conn, segments[index]).then(() => {
      if (index + 1 < segments.length) return this.#write(segments, index + 1);
      this.#writes--;
    }, (error) => {
      this.#writes--;
      throw error;
    });
  }

  #destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#closing = true;
    clearTimeout(this.#timer);
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    this.#ended.resolve();
  }
}

/** The error a reader's failure is reported with, in frame terms as on TCP. */
function failureError(
  message: string,
  oversized: Oversized | undefined,
  maxFrameBytes: number,
): ProtocolError {
  if (oversized === undefined) {
    return new ProtocolError("bad_frame", `${message}.`, { fatal: true });
  }
  // A text message's frame has a type byte more than the message.
  const length = oversized.length + (oversized.text ? 1 : 0);
  return new ProtocolError(
    "frame_too_large",
    `Frame length ${length} exceeds the limit of ${maxFrameBytes}`,
    { fatal: true },
  );
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) written += await conn.write(bytes.subarray(written));
}
