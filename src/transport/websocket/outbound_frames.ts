import { type Outbound, OutboundChunk } from "../../protocol/mod.ts";
import { Opcode, serverHeaderBytes, writeServerHeader } from "./frame_header.ts";

/**
 * Payloads from this size on are written on their own rather than copied into the batch's
 * buffer: a download's megabyte chunk costs a second write instead of a copy.
 */
const OWN_WRITE_FROM_BYTES = 64 * 1024;

/**
 * Each small message's frame, encoded once however many connections it goes to: a broadcast to
 * a thousand browsers is one frame written a thousand times, as on TCP.
 */
const encodedFrames = new WeakMap<Outbound, Uint8Array>();

/** The WebSocket payload of an outbound item: a JSON frame's text, a chunk frame minus length. */
function payloadOf(item: Outbound): { opcode: number; payload: Uint8Array } {
  if (item instanceof OutboundChunk) {
    return { opcode: Opcode.BINARY, payload: item.frame.subarray(4) };
  }
  return { opcode: Opcode.TEXT, payload: item.frame.subarray(5) };
}

/**
 * The WebSocket frames of outbound messages and chunks, as few buffers to write in order: small
 * frames share one buffer, a large payload is written from where it is, after its header. A
 * message is a text frame of its JSON, a chunk a binary frame of type byte, transfer id and data
 * (docs/PROTOCOL.md section 8).
 *
 * @example
 * ```ts
 * import { OutboundMessage } from "../../protocol/mod.ts";
 * import { encodeOutbound } from "./outbound_frames.ts";
 * const [frame] = encodeOutbound([new OutboundMessage({ type: "pong" })]);
 * console.log(frame); // Uint8Array [129, 15, 123, 34, …]: a text frame of {"type":"pong"}
 * ```
 */
export function encodeOutbound(items: readonly Outbound[]): Uint8Array[] {
  if (items.length === 1) {
    const cached = encodedFrames.get(items[0]);
    if (cached !== undefined) return [cached];
  }
  const segments: Uint8Array[] = [];
  let small: { opcode: number; payload: Uint8Array }[] = [];
  const flushSmall = (large?: { opcode: number; payload: Uint8Array }) => {
    let size = 0;
    for (const { payload } of small) {
      size += serverHeaderBytes(payload.byteLength) + payload.byteLength;
    }
    if (large !== undefined) size += serverHeaderBytes(large.payload.byteLength);
    if (size === 0) return;
    const buffer = new Uint8Array(size);
    let offset = 0;
    for (const { opcode, payload } of small) {
      offset += writeServerHeader(buffer, offset, opcode, payload.byteLength);
      buffer.set(payload, offset);
      offset += payload.byteLength;
    }
    if (large !== undefined) {
      writeServerHeader(buffer, offset, large.opcode, large.payload.byteLength);
    }
    segments.push(buffer);
    small = [];
  };
  for (const item of items) {
    const frame = payloadOf(item);
    if (frame.payload.byteLength < OWN_WRITE_FROM_BYTES) {
      small.push(frame);
      continue;
    }
    flushSmall(frame);
    segments.push(frame.payload);
  }
  flushSmall();
  if (items.length === 1 && segments.length === 1) encodedFrames.set(items[0], segments[0]);
  return segments;
}
