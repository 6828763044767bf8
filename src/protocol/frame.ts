/** Frame type numbers. Append-only: never reordered or reused. */
export const FrameType = {
  /** A UTF-8 JSON control message. */
  JSON: 0x01,
  /** A file chunk: u32 transfer id, then raw bytes. */
  CHUNK: 0x02,
} as const;

/** Bytes in a frame header: u32 length + u8 type. */
export const HEADER_BYTES = 5;

/** Largest allowed value of the length field (type byte + payload). */
export const MAX_FRAME_BYTES = 1_048_576;

/** A decoded frame. `payload` may share memory with the bytes it was decoded from. */
export interface Frame {
  type: number;
  payload: Uint8Array;
}

/**
 * Encodes one frame: 4-byte big-endian length, type byte, payload.
 *
 * @example
 * ```ts
 * import { encodeFrame, FrameType } from "./frame.ts";
 * const bytes = encodeFrame(FrameType.JSON, new TextEncoder().encode("{}"));
 * console.log(bytes); // Uint8Array [0, 0, 0, 3, 1, 123, 125]
 * ```
 */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  const length = payload.byteLength + 1;
  if (length > MAX_FRAME_BYTES) {
    throw new RangeError(`Frame length ${length} exceeds the limit of ${MAX_FRAME_BYTES}`);
  }
  const bytes = new Uint8Array(HEADER_BYTES + payload.byteLength);
  new DataView(bytes.buffer).setUint32(0, length);
  bytes[4] = type;
  bytes.set(payload, HEADER_BYTES);
  return bytes;
}

/** Bytes before the data in a `CHUNK` payload: the u32 transfer id. */
export const CHUNK_HEADER_BYTES = 4;

/** Bytes of a `CHUNK` frame before its data: frame header and transfer id. */
const CHUNK_FRAME_PREFIX_BYTES = HEADER_BYTES + CHUNK_HEADER_BYTES;

/** Buffers made by {@linkcode allocateChunkData}, whose frame prefix is free to write. */
const roomForPrefix = new WeakSet<ArrayBufferLike>();

/**
 * A new buffer for up to `bytes` bytes of file data, with room before it for the rest of a
 * `CHUNK` frame: data read into it (or into a view from its start) becomes a frame without
 * being copied, since {@linkcode encodeChunkFrame} writes the frame's first 9 bytes in place.
 *
 * @example
 * ```ts
 * import { allocateChunkData, encodeChunkFrame } from "./frame.ts";
 * const data = allocateChunkData(3);
 * data.set([1, 2, 3]);
 * const frame = encodeChunkFrame(7, data); // Uint8Array [0, 0, 0, 8, 2, 0, 0, 0, 7, 1, 2, 3]
 * frame.buffer === data.buffer; // true
 * ```
 */
export function allocateChunkData(bytes: number): Uint8Array {
  const buffer = new ArrayBuffer(CHUNK_FRAME_PREFIX_BYTES + bytes);
  roomForPrefix.add(buffer);
  return new Uint8Array(buffer, CHUNK_FRAME_PREFIX_BYTES, bytes);
}

/**
 * Encodes a `CHUNK` frame: header, u32 transfer id, data. When `data` starts a buffer made by
 * {@linkcode allocateChunkData}, the frame is built around it in that buffer, without a copy:
 * the data must then not be sent as another frame before this one is written.
 *
 * @example
 * ```ts
 * import { encodeChunkFrame } from "./frame.ts";
 * encodeChunkFrame(7, new Uint8Array([0xff])); // Uint8Array [0, 0, 0, 6, 2, 0, 0, 0, 7, 255]
 * ```
 */
export function encodeChunkFrame(transfer: number, data: Uint8Array): Uint8Array {
  const length = 1 + CHUNK_HEADER_BYTES + data.byteLength;
  if (length > MAX_FRAME_BYTES) {
    throw new RangeError(`Frame length ${length} exceeds the limit of ${MAX_FRAME_BYTES}`);
  }
  const inPlace = data.byteOffset === CHUNK_FRAME_PREFIX_BYTES && roomForPrefix.has(data.buffer);
  const bytes = inPlace ? new Uint8Array(data.buffer, 0, 4 + length) : new Uint8Array(4 + length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, CHUNK_FRAME_PREFIX_BYTES);
  view.setUint32(0, length);
  bytes[4] = FrameType.CHUNK;
  view.setUint32(HEADER_BYTES, transfer);
  if (!inPlace) bytes.set(data, CHUNK_FRAME_PREFIX_BYTES);
  return bytes;
}

/**
 * Splits a `CHUNK` payload into its transfer id and data (a view, not a copy).
 * Throws `RangeError` when the payload is too short to hold a transfer id.
 */
export function decodeChunkPayload(payload: Uint8Array): { transfer: number; data: Uint8Array } {
  if (payload.byteLength < CHUNK_HEADER_BYTES) {
    throw new RangeError(`Chunk payload of ${payload.byteLength} bytes has no transfer id`);
  }
  const transfer = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
  return { transfer, data: payload.subarray(CHUNK_HEADER_BYTES) };
}
