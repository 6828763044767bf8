import { type Frame, HEADER_BYTES, MAX_FRAME_BYTES } from "./frame.ts";
import { ProtocolError } from "./errors.ts";

/** What {@linkcode FrameDecoder.push} yields: a frame, or a fatal error after which it stops. */
export type DecodeResult = Frame | ProtocolError;

/**
 * Streaming frame decoder: feed it bytes as they arrive, in pieces of any size, and it returns
 * every complete frame. The length is checked against the limit before any body is buffered.
 * A bad header yields one fatal {@linkcode ProtocolError}; the decoder then ignores all input,
 * since a byte stream cannot be resynchronised.
 *
 * @example
 * ```ts
 * import { FrameDecoder } from "./frame_decoder.ts";
 * const decoder = new FrameDecoder();
 * decoder.push(new Uint8Array([0, 0, 0, 3, 1, 123])); // [] (incomplete)
 * decoder.push(new Uint8Array([125])); // [{ type: 1, payload: Uint8Array [123, 125] }]
 * ```
 */
export class FrameDecoder {
  // Bytes not yet part of a complete frame are `#buffer[0, #pendingBytes)`. The buffer grows
  // geometrically (never past what the frame in progress needs), so a frame trickling in as
  // many small reads costs O(n) copying, not O(n²) that would let one client stall the server.
  #buffer: Uint8Array = new Uint8Array(0);
  #pendingBytes = 0;
  #neededBytes = 4;
  #failed = false;
  /** The largest frame accepted; may be raised or lowered between pushes. */
  maxFrameBytes: number;

  constructor(options: { maxFrameBytes?: number } = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /** Bytes still missing to complete the frame in progress (its header, if none is). */
  get missingBytes(): number {
    return Math.max(0, this.#neededBytes - this.#pendingBytes);
  }

  /** Whether a fatal header error has been returned. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Adds bytes and returns the frames (and at most one fatal error) they complete. */
  push(chunk: Uint8Array): DecodeResult[] {
    if (this.#failed) return [];
    if (this.#pendingBytes + chunk.byteLength < this.#neededBytes) {
      this.#append(chunk);
      return [];
    }
    let bytes = chunk;
    if (this.#pendingBytes > 0) {
      this.#append(chunk);
      bytes = this.#buffer.subarray(0, this.#pendingBytes);
    }
    const results: DecodeResult[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    let neededBytes = 4;
    while (bytes.byteLength - offset >= 4) {
      const length = view.getUint32(offset);
      if (length === 0 || length > this.maxFrameBytes) {
        this.#failed = true;
        this.#buffer = new Uint8Array(0);
        this.#pendingBytes = 0;
        results.push(
          length === 0
            ? new ProtocolError("bad_frame", "Frame length 0 is invalid", { fatal: true })
            : new ProtocolError(
              "frame_too_large",
              `Frame length ${length} exceeds the limit of ${this.maxFrameBytes}`,
              { fatal: true },
            ),
        );
        return results;
      }
      if (bytes.byteLength - offset < 4 + length) {
        neededBytes = 4 + length;
        break;
      }
      results.push({
        type: bytes[offset + 4],
        payload: bytes.subarray(offset + HEADER_BYTES, offset + 4 + length),
      });
      offset += 4 + length;
    }
    // Copy the tail into a fresh buffer: the caller may reuse its chunk, and the payloads just
    // returned may share memory with the old buffer.
    this.#buffer = bytes.slice(offset);
    this.#pendingBytes = this.#buffer.byteLength;
    this.#neededBytes = neededBytes;
    return results;
  }

  /**
   * Prepares to receive the rest of the frame in progress without copying: moves the bytes it
   * has so far into `into` when that is large enough (a buffer of an earlier frame, to reuse),
   * else into a new buffer of the frame's size, and returns the view of the `missingBytes`
   * still to come. Write bytes into its start and call {@linkcode FrameDecoder.commit} with
   * their count. Only while a frame's header has arrived and some of the frame is missing.
   *
   * @example Read a large frame straight into its own buffer
   * ```ts
   * import { FrameDecoder } from "./frame_decoder.ts";
   * const decoder = new FrameDecoder();
   * decoder.push(new Uint8Array([0, 0, 0, 4, 2, 7])); // [] (header and 1 of 3 payload bytes)
   * const target = decoder.reserve(); // 2 bytes to fill
   * target.set([8, 9]);
   * decoder.commit(2); // [{ type: 2, payload: Uint8Array [7, 8, 9] }]
   * ```
   */
  reserve(into?: Uint8Array): Uint8Array {
    const needed = this.#neededBytes;
    if (this.#failed || this.#pendingBytes < 4 || this.#pendingBytes >= needed) {
      throw new RangeError("No frame is in progress to reserve its missing bytes for");
    }
    if (this.#buffer.byteLength < needed) {
      const target = into !== undefined && into.byteLength >= needed
        ? into
        : new Uint8Array(needed);
      target.set(this.#buffer.subarray(0, this.#pendingBytes));
      this.#buffer = target;
    }
    return this.#buffer.subarray(this.#pendingBytes, needed);
  }

  /**
   * Counts `bytes` written into the view {@linkcode FrameDecoder.reserve} returned, and returns
   * the frame once it is complete (its payload shares memory with that view).
   */
  commit(bytes: number): DecodeResult[] {
    const pending = this.#pendingBytes + bytes;
    if (!Number.isInteger(bytes) || bytes < 0 || pending > this.#neededBytes) {
      throw new RangeError(`Cannot commit ${bytes} bytes: ${this.missingBytes} are missing`);
    }
    this.#pendingBytes = pending;
    if (pending < this.#neededBytes) return [];
    const frame = this.#buffer.subarray(0, pending);
    this.#buffer = new Uint8Array(0);
    this.#pendingBytes = 0;
    this.#neededBytes = 4;
    return [{ type: frame[4], payload: frame.subarray(HEADER_BYTES) }];
  }

  #append(chunk: Uint8Array): void {
    const required = this.#pendingBytes + chunk.byteLength;
    if (required > this.#buffer.byteLength) {
      const capacity = Math.min(this.#buffer.byteLength * 2, this.#neededBytes);
      const grown = new Uint8Array(Math.max(required, capacity));
      grown.set(this.#buffer.subarray(0, this.#pendingBytes));
      this.#buffer = grown;
    }
    this.#buffer.set(chunk, this.#pendingBytes);
    this.#pendingBytes = required;
  }
}

/**
 * A `TransformStream` from raw bytes to frames, built on {@linkcode FrameDecoder}.
 * A fatal header error is enqueued as a {@linkcode ProtocolError} and ends the output.
 *
 * @example
 * ```ts
 * import { FrameDecoderStream } from "./frame_decoder.ts";
 * const frames = ReadableStream.from([new Uint8Array([0, 0, 0, 1, 9])])
 *   .pipeThrough(new FrameDecoderStream());
 * for await (const frame of frames) console.log(frame); // { type: 9, payload: Uint8Array [] }
 * ```
 */
export class FrameDecoderStream extends TransformStream<Uint8Array, DecodeResult> {
  constructor(options: { maxFrameBytes?: number } = {}) {
    const decoder = new FrameDecoder(options);
    super({
      transform(chunk, controller) {
        for (const result of decoder.push(chunk)) controller.enqueue(result);
        if (decoder.failed) controller.terminate();
      },
    });
  }
}
