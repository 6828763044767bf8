/**
 * The WebSocket frame header of RFC 6455 section 5.2: parsed from a client's bytes, written for
 * the server's frames.
 *
 * @module
 */

/** WebSocket opcodes (RFC 6455 section 5.2). */
export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

/** The longest payload of a control frame (close, ping, pong). */
export const MAX_CONTROL_PAYLOAD_BYTES = 125;

/** A parsed frame header. */
export interface FrameHeader {
  /** Whether this is the last frame of its message. */
  fin: boolean;
  opcode: number;
  /** The masking key, or undefined for an unmasked frame (which a client must never send). */
  mask: Uint8Array | undefined;
  /** Payload length; a length beyond 2^53 reads as a larger number, never a smaller one. */
  length: number;
  /** Bytes the header itself took. */
  headerBytes: number;
}

/**
 * Parses the frame header at the start of `bytes`, or returns undefined while it is incomplete
 * (a header is 2 to 14 bytes). The mask is a view into `bytes`.
 *
 * @throws {SyntaxError} when a reserved bit is set (no extension is ever negotiated), the opcode
 * is unknown, or a control frame is fragmented or longer than 125 bytes.
 *
 * @example
 * ```ts
 * import { parseFrameHeader } from "./frame_header.ts";
 * const header = parseFrameHeader(new Uint8Array([0x81, 0x85, 1, 2, 3, 4]));
 * console.log(header); // { fin: true, opcode: 1, mask: Uint8Array [1, 2, 3, 4], length: 5, headerBytes: 6 }
 * parseFrameHeader(new Uint8Array([0x81])); // undefined: more bytes needed
 * ```
 */
export function parseFrameHeader(bytes: Uint8Array): FrameHeader | undefined {
  if (bytes.byteLength < 2) return undefined;
  const first = bytes[0];
  const second = bytes[1];
  const fin = (first & 0x80) !== 0;
  const opcode = first & 0x0f;
  if ((first & 0x70) !== 0) {
    throw new SyntaxError(`Reserved bits 0x${(first & 0x70).toString(16)} are set`);
  }
  const control = opcode >= Opcode.CLOSE;
  if (!isKnownOpcode(opcode)) throw new SyntaxError(`Opcode 0x${opcode.toString(16)} is unknown`);
  const masked = (second & 0x80) !== 0;
  let length = second & 0x7f;
  if (control && (!fin || length > MAX_CONTROL_PAYLOAD_BYTES)) {
    throw new SyntaxError(`Control frame 0x${opcode.toString(16)} is fragmented or too long`);
  }
  const extendedBytes = length === 126 ? 2 : length === 127 ? 8 : 0;
  const headerBytes = 2 + extendedBytes + (masked ? 4 : 0);
  if (bytes.byteLength < headerBytes) return undefined;
  if (extendedBytes > 0) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + 2, extendedBytes);
    if (extendedBytes === 2) length = view.getUint16(0);
    else {
      if ((bytes[2] & 0x80) !== 0) throw new SyntaxError("The 64-bit length has its top bit set");
      length = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
    }
  }
  const mask = masked ? bytes.subarray(2 + extendedBytes, headerBytes) : undefined;
  return { fin, opcode, mask, length, headerBytes };
}

function isKnownOpcode(opcode: number): boolean {
  return opcode <= Opcode.BINARY || (opcode >= Opcode.CLOSE && opcode <= Opcode.PONG);
}

/** Bytes of an unmasked (server) frame header for a payload of `length` bytes: 2, 4 or 10. */
export function serverHeaderBytes(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/**
 * Writes the header of a final, unmasked (server) frame at `offset` of `target`, and returns the
 * bytes written (see {@linkcode serverHeaderBytes}).
 *
 * @example
 * ```ts
 * import { Opcode, writeServerHeader } from "./frame_header.ts";
 * const header = new Uint8Array(4);
 * writeServerHeader(header, 0, Opcode.BINARY, 300); // 4
 * console.log(header); // Uint8Array [130, 126, 1, 44]
 * ```
 */
export function writeServerHeader(
  target: Uint8Array,
  offset: number,
  opcode: number,
  length: number,
): number {
  target[offset] = 0x80 | opcode;
  const view = new DataView(target.buffer, target.byteOffset + offset);
  if (length < 126) {
    target[offset + 1] = length;
    return 2;
  }
  if (length < 65536) {
    target[offset + 1] = 126;
    view.setUint16(2, length);
    return 4;
  }
  target[offset + 1] = 127;
  view.setUint32(2, Math.floor(length / 2 ** 32));
  view.setUint32(6, length % 2 ** 32);
  return 10;
}

/**
 * A whole unmasked (server) frame: header and payload in one buffer, for one write.
 *
 * @example
 * ```ts
 * import { encodeServerFrame, Opcode } from "./frame_header.ts";
 * encodeServerFrame(Opcode.PONG, new Uint8Array([7])); // Uint8Array [138, 1, 7]
 * ```
 */
export function encodeServerFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(serverHeaderBytes(payload.byteLength) + payload.byteLength);
  frame.set(payload, writeServerHeader(frame, 0, opcode, payload.byteLength));
  return frame;
}
