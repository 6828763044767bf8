/**
 * Reading `chat serve`'s frames at a load generator's speed: whole frames are handled where
 * they lie in the read buffer (the {@linkcode FrameDecoder}, which allocates for every frame,
 * only sees reads that end or start mid-frame), and the few kinds of message that arrive by the
 * million are told apart by a byte or two instead of being decoded. The fan-out and cluster
 * benchmarks' chat clients share it.
 *
 * @example
 * ```ts
 * import { FrameDecoder } from "../../src/protocol/mod.ts";
 * import { forEachJsonFrame, frameKind } from "./chat_frames.ts";
 * const frames = new FrameDecoder();
 * const kinds: string[] = [];
 * const bytes = new Uint8Array([0, 0, 0, 17, 1, ...new TextEncoder().encode('{"type":"notice"}')]);
 * forEachJsonFrame(bytes, frames, {
 *   onFrame: (payload, start) => kinds.push(frameKind(payload, start)),
 *   onBadFrame: () => {},
 * });
 * // kinds: ["notice"]
 * ```
 *
 * @module
 */
import { type FrameDecoder, FrameType } from "../../src/protocol/mod.ts";

/** A frame's length (4 bytes) and type (1 byte), before its payload. */
const HEADER_BYTES = 5;
/** Bytes of `{"type":"` that start every server message (it writes `type` first). */
export const TYPE_AT = 9;
const TYPE_PREFIX = new TextEncoder().encode('{"type":"');

/** The server messages a load generator tells apart without decoding them. */
export type FrameKind = "message" | "notice" | "ack" | "other";

/** What the JSON payload `bytes[start, …)` is, from its first bytes. */
export function frameKind(bytes: Uint8Array, start: number): FrameKind {
  const type = start + TYPE_AT;
  const fast = bytes[start + 1] === TYPE_PREFIX[1] && bytes[start + 2] === TYPE_PREFIX[2] &&
    bytes[type - 1] === TYPE_PREFIX[TYPE_AT - 1];
  if (!fast) return "other";
  if (bytes[type] === 0x6d /* m: message */) return "message";
  if (bytes[type] === 0x6e /* n: notice */) return "notice";
  if (bytes[type] === 0x61 && bytes[type + 1] === 0x63 /* ack */) return "ack";
  return "other";
}

/**
 * Hands every JSON frame in `bytes` (one read) to `onFrame` as `payload[start, end)`; frames cut
 * by the read's ends go through `frames`, which keeps the rest for the next read.
 */
export function forEachJsonFrame(
  bytes: Uint8Array,
  frames: FrameDecoder,
  handlers: {
    onFrame: (payload: Uint8Array, start: number, end: number) => void;
    onBadFrame: (message: string) => void;
  },
): void {
  let at = 0;
  if (frames.bufferedBytes === 0) {
    while (bytes.byteLength - at >= HEADER_BYTES) {
      const length = (bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 |
        bytes[at + 3]) >>> 0;
      const end = at + 4 + length;
      if (length === 0 || end > bytes.byteLength) break;
      if (bytes[at + 4] === FrameType.JSON) handlers.onFrame(bytes, at + HEADER_BYTES, end);
      at = end;
    }
    if (at === bytes.byteLength) return;
  }
  for (const frame of frames.push(at === 0 ? bytes : bytes.subarray(at))) {
    if (frame instanceof Error) {
      handlers.onBadFrame(frame.message);
    } else if (frame.type === FrameType.JSON) {
      handlers.onFrame(frame.payload, 0, frame.payload.byteLength);
    }
  }
}
