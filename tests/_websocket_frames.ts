/**
 * WebSocket frames as a client sends them (masked), written from RFC 6455 for the tests and
 * sharing no code with the server's reader, so that the tests check it rather than agree with it.
 *
 * @module
 */

/** WebSocket opcodes (RFC 6455 section 5.2). */
export const Op = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

/** The header of a client frame announcing `length` payload bytes, masked unless told. */
export function clientFrameHeader(
  opcode: number,
  length: number,
  options: { fin?: boolean; mask?: Uint8Array | null; rsv?: number } = {},
): Uint8Array {
  const extended = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const mask = options.mask === undefined ? new Uint8Array([0x12, 0x34, 0x56, 0x78]) : options.mask;
  const header = new Uint8Array(2 + extended + (mask === null ? 0 : 4));
  header[0] = (options.fin ?? true ? 0x80 : 0) | (options.rsv ?? 0) << 4 | opcode;
  const view = new DataView(header.buffer);
  const maskBit = mask === null ? 0 : 0x80;
  if (extended === 0) header[1] = maskBit | length;
  else if (extended === 2) {
    header[1] = maskBit | 126;
    view.setUint16(2, length);
  } else {
    header[1] = maskBit | 127;
    view.setBigUint64(2, BigInt(length));
  }
  if (mask !== null) header.set(mask, 2 + extended);
  return header;
}

/** A whole client frame, its payload masked with a random key (or unmasked if `mask: null`). */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string,
  options: { fin?: boolean; mask?: null; rsv?: number } = {},
): Uint8Array {
  const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
  const mask = options.mask === null ? null : crypto.getRandomValues(new Uint8Array(4));
  const header = clientFrameHeader(opcode, bytes.byteLength, { ...options, mask });
  const frame = new Uint8Array(header.byteLength + bytes.byteLength);
  frame.set(header);
  for (let i = 0; i < bytes.byteLength; i++) {
    frame[header.byteLength + i] = mask === null ? bytes[i] : bytes[i] ^ mask[i % 4];
  }
  return frame;
}

/** A close frame's payload: the code, then the reason. */
export function closePayload(code: number, reason = ""): Uint8Array {
  const reasonBytes = new TextEncoder().encode(reason);
  const payload = new Uint8Array(2 + reasonBytes.byteLength);
  new DataView(payload.buffer).setUint16(0, code);
  payload.set(reasonBytes, 2);
  return payload;
}

/** A frame from the server (unmasked). */
export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Uint8Array;
}

/** The whole server frames at the start of `bytes`, and how many bytes they took. */
export function parseServerFrames(bytes: Uint8Array): { frames: ServerFrame[]; used: number } {
  const frames: ServerFrame[] = [];
  let at = 0;
  for (;;) {
    if (bytes.byteLength - at < 2) break;
    if (bytes[at + 1] & 0x80) throw new Error("The server masked a frame");
    let length = bytes[at + 1] & 0x7f;
    let offset = at + 2;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (length === 126) {
      if (bytes.byteLength - at < 4) break;
      length = view.getUint16(at + 2);
      offset = at + 4;
    } else if (length === 127) {
      if (bytes.byteLength - at < 10) break;
      length = Number(view.getBigUint64(at + 2));
      offset = at + 10;
    }
    if (bytes.byteLength < offset + length) break;
    frames.push({
      fin: (bytes[at] & 0x80) !== 0,
      opcode: bytes[at] & 0x0f,
      payload: bytes.slice(offset, offset + length),
    });
    at = offset + length;
  }
  return { frames, used: at };
}
