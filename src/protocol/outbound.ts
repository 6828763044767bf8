import { encodeChunkFrame, encodeFrame, FrameType } from "./frame.ts";
import type { ClientMessage, ServerMessage } from "./messages.ts";

const encoder = new TextEncoder();

/**
 * A message encoded at most once per representation, so a broadcast to N members costs one
 * `JSON.stringify` and one frame, whatever the transport of each member.
 *
 * @example
 * ```ts
 * import { OutboundMessage } from "./outbound.ts";
 * const out = new OutboundMessage({ type: "ping" });
 * out.frame === out.frame; // true: encoded once, shared by every recipient
 * ```
 */
export class OutboundMessage {
  /** The message itself. */
  readonly message: ServerMessage | ClientMessage;
  #json: string | undefined;
  #frame: Uint8Array | undefined;

  constructor(message: ServerMessage | ClientMessage) {
    this.message = message;
  }

  /** The JSON text (for text transports such as WebSocket). */
  get json(): string {
    return this.#json ??= JSON.stringify(this.message);
  }

  /** The complete `JSON` frame (for byte-stream transports such as TCP). */
  get frame(): Uint8Array {
    return this.#frame ??= encodeFrame(FrameType.JSON, encoder.encode(this.json));
  }
}

/**
 * Encodes a message as one complete `JSON` frame.
 *
 * @example
 * ```ts
 * import { encodeMessage } from "./outbound.ts";
 * encodeMessage({ type: "quit" }).byteLength; // 20
 * ```
 */
export function encodeMessage(message: ClientMessage | ServerMessage): Uint8Array {
  return encodeFrame(FrameType.JSON, encoder.encode(JSON.stringify(message)));
}

/**
 * A file chunk on its way out: `frame` is the complete `CHUNK` frame, built on first use.
 *
 * @example
 * ```ts
 * import { OutboundChunk } from "./outbound.ts";
 * new OutboundChunk(7, new Uint8Array([1, 2])).frame.byteLength; // 11
 * ```
 */
export class OutboundChunk {
  readonly transfer: number;
  readonly data: Uint8Array;
  #frame: Uint8Array | undefined;

  constructor(transfer: number, data: Uint8Array) {
    this.transfer = transfer;
    this.data = data;
  }

  /** The complete `CHUNK` frame. */
  get frame(): Uint8Array {
    return this.#frame ??= encodeChunkFrame(this.transfer, this.data);
  }
}

/** Anything a connection can send. */
export type Outbound = OutboundMessage | OutboundChunk;
