import { FrameBufferPool } from "../../util/frame_buffer_pool.ts";
import type { ByteSource } from "../byte_source.ts";
import { ReadBuffer } from "./_read_buffer.ts";
import { type FrameHeader, Opcode, parseFrameHeader } from "./frame_header.ts";
import { unmask } from "./unmask.ts";

/**
 * Messages up to this size are read through the read buffer, which grows only as their bytes
 * arrive: a peer that announces a message and stalls holds what it sent, not what it announced.
 * Larger ones (file chunks, allowed only after login) go straight into a buffer of their size.
 */
const GROWING_UP_TO_BYTES = 64 * 1024;

/** Close codes a reader's failure asks for (RFC 6455 section 7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  PROTOCOL_ERROR: 1002,
  INVALID_DATA: 1007,
  POLICY: 1008,
  TOO_BIG: 1009,
} as const;

/** What {@linkcode WebSocketReader.read} returns. */
export type WebSocketEvent =
  /** A whole message; its payload is valid until the next `read()`. */
  | { kind: "text" | "binary"; payload: Uint8Array }
  | { kind: "ping" | "pong"; payload: Uint8Array }
  /** The peer's close frame: its status code, if it gave one. */
  | { kind: "close"; code: number | undefined }
  /** The stream ended or failed. */
  | { kind: "end" }
  /** The peer broke the protocol or a limit; the connection must be closed with `closeCode`. */
  | { kind: "failure"; closeCode: number; message: string; oversized?: Oversized };

/** A message over its limit: its size as announced so far, and which limit it broke. */
export interface Oversized {
  length: number;
  limit: number;
  text: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads client WebSocket frames (RFC 6455) from a byte source and returns whole messages and
 * control frames. Every size limit is checked against a frame's announced length (and, for a
 * fragmented message, the running total) before its payload is read, so no message over the
 * limit is ever buffered; payloads are unmasked in place. After a failure it answers `end`
 * once the source ends, discarding what comes, or, for an oversized message, skips its payload
 * and goes on parsing frames, so a close frame behind it can still be seen.
 *
 * Binary messages over 64 KiB are read into {@linkcode FrameBufferPool} buffers, which a
 * consumer may retain (a file chunk's bytes, kept while they are hashed and written).
 *
 * @example
 * ```ts
 * import { WebSocketReader } from "./message_reader.ts";
 * const bytes = new Uint8Array([0x81, 0x82, 0, 0, 0, 0, 0x68, 0x69]); // "hi", mask 0
 * const reader = new WebSocketReader({ read: () => Promise.resolve(null) }, { buffered: bytes });
 * const event = await reader.read(); // { kind: "text", payload: Uint8Array [104, 105] }
 * ```
 */
export class WebSocketReader {
  /** The largest text message accepted, in bytes; may change between reads. */
  maxTextBytes: number;
  /** The largest binary message accepted, in bytes; may change between reads. */
  maxBinaryBytes: number;
  /** While true, data frames are skipped, not returned: the connection is closing. */
  discardData = false;
  readonly #input: ReadBuffer;
  readonly #pool = new FrameBufferPool();
  /** The pooled buffer of the last message returned, released by the next `read()`. */
  #held: Uint8Array<SharedArrayBuffer> | undefined;
  /**
   * What fragmented messages are assembled in, kept from one to the next while the peer is busy:
   * a browser sends every file chunk as fragments (Chromium's are about 128 KiB), and a fresh
   * buffer for each, grown twice, cost the server more in allocation and garbage collection than
   * everything else an upload does. A message is valid only until the next `read()`, so the
   * next one may reuse it.
   */
  #assembly = new Uint8Array(0);
  /** A fragmented message being assembled. */
  #fragments: { opcode: number; bytes: Uint8Array; length: number } | undefined;
  /** Whether frames of a fragmented message are being skipped (discarding or over the limit). */
  #skippingMessage = false;
  /** Payload bytes still to be skipped. */
  #skip = 0;
  /** After a protocol error the stream cannot be trusted: everything is discarded. */
  #broken = false;
  /** The masking key of the frame being read, kept apart from the buffer that moves. */
  readonly #mask = new Uint8Array(4);

  constructor(
    source: ByteSource,
    options: { buffered?: Uint8Array; maxTextBytes?: number; maxBinaryBytes?: number } = {},
  ) {
    this.#input = new ReadBuffer(source, options.buffered);
    this.maxTextBytes = options.maxTextBytes ?? Infinity;
    this.maxBinaryBytes = options.maxBinaryBytes ?? Infinity;
  }

  /** The next message, control frame, end or failure. */
  async read(): Promise<WebSocketEvent> {
    if (this.#held !== undefined) {
      this.#pool.release(this.#held);
      this.#held = undefined;
    }
    if (this.#broken) {
      // Nothing after a protocol error is read for its meaning.
      await this.#input.drain();
      return { kind: "end" };
    }
    for (;;) {
      if (this.#skip > 0) {
        const skipped = await this.#input.skip(this.#skip);
        this.#skip = 0;
        if (!skipped) return { kind: "end" };
      }
      if (this.#input.settle()) {
        // Quiet: an idle connection holds no large buffer.
        this.#pool.clear();
        this.#assembly = new Uint8Array(0);
      }
      let header: FrameHeader | undefined;
      try {
        header = await this.#readHeader();
      } catch (error) {
        return this.#fail(CloseCode.PROTOCOL_ERROR, (error as Error).message);
      }
      if (header === undefined) return { kind: "end" };
      if (header.mask === undefined) {
        return this.#fail(CloseCode.PROTOCOL_ERROR, "Frames from a client must be masked");
      }
      if (header.opcode >= Opcode.CLOSE) {
        const event = await this.#control(header, header.mask);
        if (event !== undefined) return event;
        continue;
      }
      const event = await this.#data(header, header.mask);
      if (event !== undefined) return event;
    }
  }

  /** A control frame's event; undefined to read on (a pong to ignore is still returned). */
  async #control(header: FrameHeader, mask: Uint8Array): Promise<WebSocketEvent> {
    const payload = await this.#readSmall(header.length, mask);
    if (payload === undefined) return { kind: "end" };
    if (header.opcode === Opcode.PING) return { kind: "ping", payload };
    if (header.opcode === Opcode.PONG) return { kind: "pong", payload };
    if (payload.byteLength === 0) return { kind: "close", code: undefined };
    if (payload.byteLength === 1) {
      return this.#fail(CloseCode.PROTOCOL_ERROR, "A close frame's payload of 1 byte is invalid");
    }
    const code = payload[0] << 8 | payload[1];
    if (!isValidCloseCode(code)) {
      return this.#fail(CloseCode.PROTOCOL_ERROR, `Close code ${code} is invalid`);
    }
    if (!isUtf8(payload.subarray(2))) {
      return this.#fail(CloseCode.INVALID_DATA, "The close reason is not valid UTF-8");
    }
    return { kind: "close", code };
  }

  /** A data frame: a whole message, or undefined when more frames (or none) are to be read. */
  async #data(header: FrameHeader, mask: Uint8Array): Promise<WebSocketEvent | undefined> {
    const continuation = header.opcode === Opcode.CONTINUATION;
    const ongoing = this.#fragments !== undefined || this.#skippingMessage;
    if (continuation !== ongoing && !this.discardData) {
      return this.#fail(
        CloseCode.PROTOCOL_ERROR,
        continuation
          ? "A continuation frame came with no message to continue"
          : "A new message began before the last one ended",
      );
    }
    if (this.discardData || this.#skippingMessage) {
      this.#skip = header.length;
      this.#skippingMessage = !header.fin;
      this.#fragments = undefined;
      return undefined;
    }
    const opcode = this.#fragments?.opcode ?? header.opcode;
    const total = (this.#fragments?.length ?? 0) + header.length;
    const limit = opcode === Opcode.TEXT ? this.maxTextBytes : this.maxBinaryBytes;
    if (total > limit) {
      this.#skip = header.length;
      this.#skippingMessage = !header.fin;
      this.#fragments = undefined;
      return {
        kind: "failure",
        closeCode: CloseCode.TOO_BIG,
        message: `Message length ${total} exceeds the limit of ${limit}`,
        oversized: { length: total, limit, text: opcode === Opcode.TEXT },
      };
    }
    const kind = opcode === Opcode.TEXT ? "text" : "binary";
    if (header.fin && this.#fragments === undefined) {
      const payload = header.length <= GROWING_UP_TO_BYTES
        ? await this.#readSmall(header.length, mask)
        : await this.#readLarge(header.length, mask, kind === "binary");
      if (payload === undefined) return { kind: "end" };
      if (kind === "text" && !isUtf8(payload)) {
        return this.#fail(CloseCode.INVALID_DATA, "A text message is not valid UTF-8");
      }
      return { kind, payload };
    }
    const fragments = this.#fragments ??= { opcode, bytes: this.#assembly, length: 0 };
    if (header.length <= GROWING_UP_TO_BYTES) {
      // Room is made once its bytes are here, as for a small message.
      const piece = await this.#readSmall(header.length, mask);
      if (piece === undefined) return { kind: "end" };
      this.#makeRoom(fragments, total, limit);
      fragments.bytes.set(piece, fragments.length);
    } else {
      // Like a large message: room for what the frame announced, filled straight from the source.
      this.#makeRoom(fragments, total, limit);
      const target = fragments.bytes.subarray(fragments.length, total);
      if (!await this.#input.readInto(target)) return { kind: "end" };
      unmask(target, mask);
    }
    fragments.length = total;
    if (!header.fin) return undefined;
    this.#fragments = undefined;
    const payload = fragments.bytes.subarray(0, total);
    if (kind === "text" && !isUtf8(payload)) {
      return this.#fail(CloseCode.INVALID_DATA, "A text message is not valid UTF-8");
    }
    return { kind, payload };
  }

  /**
   * Grows the buffer a fragmented message is assembled in (doubling, up to the limit) to hold
   * `total` bytes, and keeps it for the next fragmented message.
   */
  #makeRoom(fragments: { bytes: Uint8Array; length: number }, total: number, limit: number): void {
    if (fragments.bytes.byteLength >= total) return;
    const grown = new Uint8Array(Math.min(limit, Math.max(total, fragments.bytes.byteLength * 2)));
    grown.set(fragments.bytes.subarray(0, fragments.length));
    fragments.bytes = this.#assembly = grown;
  }

  #fail(closeCode: number, message: string): WebSocketEvent {
    this.#broken = true;
    this.#fragments = undefined;
    return { kind: "failure", closeCode, message };
  }

  /** Reads and parses a frame header; undefined if the source ends first. */
  async #readHeader(): Promise<FrameHeader | undefined> {
    if (!await this.#input.fill(2)) return undefined;
    for (;;) {
      const header = parseFrameHeader(this.#input.unread);
      if (header !== undefined) {
        this.#input.take(header.headerBytes);
        // The mask must outlive the buffer's next compaction.
        if (header.mask !== undefined) {
          this.#mask.set(header.mask);
          header.mask = this.#mask;
        }
        return header;
      }
      if (!await this.#input.fill(this.#input.unread.byteLength + 1)) return undefined;
    }
  }

  /** A payload read through the read buffer, as a view of it; undefined if the source ends. */
  async #readSmall(length: number, mask: Uint8Array): Promise<Uint8Array | undefined> {
    if (!await this.#input.fill(length)) return undefined;
    const payload = this.#input.take(length);
    unmask(payload, mask);
    return payload;
  }

  /** A payload read straight into a buffer of its size; undefined if the source ends. */
  async #readLarge(
    length: number,
    mask: Uint8Array,
    pooled: boolean,
  ): Promise<Uint8Array | undefined> {
    let target: Uint8Array;
    if (pooled) {
      this.#held = this.#pool.acquire(length);
      target = this.#held.subarray(0, length);
    } else {
      target = new Uint8Array(length);
    }
    if (!await this.#input.readInto(target)) return undefined;
    unmask(target, mask);
    return target;
  }
}

/** Close codes a peer may send (RFC 6455 section 7.4; 1005, 1006 and 1015 are never sent). */
function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
