/**
 * The fan-out generator's chat client: the raw protocol of docs/PROTOCOL.md over TCP, with
 * {@linkcode encodeMessage} and {@linkcode FrameDecoder}, and nothing else (the CLI's client
 * does far more per message than a load generator can afford for a thousand connections).
 *
 * @module
 */
import { encodeMessage, FrameDecoder, FrameType } from "../../src/protocol/mod.ts";
import type { Adapter, FanoutClient, RunContext } from "./adapter.ts";
import { Socket, whenJoined } from "./socket.ts";

/** A frame's length (4 bytes) and type (1 byte), before its payload. */
const HEADER_BYTES = 5;
/** Bytes of `{"type":"` that start every server message (it writes `type` first). */
const TYPE_AT = 9;
const TYPE_PREFIX = new TextEncoder().encode('{"type":"');
const decoder = new TextDecoder();

/** Joins the room `bench` of a chat server as `f<index>`. */
export class ChatAdapter implements Adapter {
  readonly #passkey: string;

  /** An adapter whose clients say `hello` with `passkey`. */
  constructor(passkey: string) {
    this.#passkey = passkey;
  }

  /** Connects client `index`, says `hello` and resolves at `history_end`. */
  async connect(index: number, context: RunContext): Promise<FanoutClient> {
    const socket = await Socket.open(context.port, context.errors);
    const joined = Promise.withResolvers<void>();
    let isJoined = false;
    const frames = new FrameDecoder();
    /** Handles the JSON payload `bytes[start, end)`. */
    const onFrame = (bytes: Uint8Array, start: number, end: number, atMicros: number) => {
      // Room messages and join notices are nearly all that arrives: told apart by one byte.
      const type = start + TYPE_AT;
      const fast = bytes[start + 1] === TYPE_PREFIX[1] && bytes[start + 2] === TYPE_PREFIX[2] &&
        bytes[type - 1] === TYPE_PREFIX[TYPE_AT - 1];
      if (fast && bytes[type] === 0x6d /* m: message */) {
        const delivered = context.sink.deliver(index, bytes, { from: type, to: end, atMicros });
        if (!delivered) {
          context.errors.add(
            "message without a marker",
            decoder.decode(bytes.subarray(start, end)),
          );
        }
        return;
      }
      if (fast && bytes[type] === 0x6e /* n: notice */) return;
      if (fast && bytes[type] === 0x61 && bytes[type + 1] === 0x63 /* ack */) return;
      const message = JSON.parse(decoder.decode(bytes.subarray(start, end)));
      switch (message.type) {
        case "history_end":
          isJoined = true;
          joined.resolve();
          break;
        case "ping":
          socket.write(encodeMessage({ type: "pong", rid: message.rid }));
          break;
        case "error":
          context.errors.add(`error ${message.code}`, message.message);
          if (message.fatal) joined.reject(new Error(`${message.code}: ${message.message}`));
          break;
        case "bye":
          if (!context.closing) context.errors.add(`bye ${message.reason}`, message.message);
          break;
      }
    };
    const reading = socket.read((bytes, atMicros) => {
      // Whole frames are handled where they lie, as the IRC adapter handles whole lines: the
      // decoder (which allocates for every frame) only sees reads that end or start mid-frame.
      let at = 0;
      if (frames.bufferedBytes === 0) {
        while (bytes.byteLength - at >= HEADER_BYTES) {
          const length = (bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 |
            bytes[at + 3]) >>> 0;
          const end = at + 4 + length;
          if (length === 0 || end > bytes.byteLength) break;
          if (bytes[at + 4] === FrameType.JSON) onFrame(bytes, at + HEADER_BYTES, end, atMicros);
          at = end;
        }
        if (at === bytes.byteLength) return;
      }
      for (const frame of frames.push(at === 0 ? bytes : bytes.subarray(at))) {
        if (frame instanceof Error) {
          context.errors.add("bad frame", frame.message);
        } else if (frame.type === FrameType.JSON) {
          onFrame(frame.payload, 0, frame.payload.byteLength, atMicros);
        }
      }
    }).then(() => {
      if (!context.closing) context.errors.add("closed by the server", `client ${index}`);
      joined.reject(new Error("The server closed the connection before history_end."));
    });
    socket.write(encodeMessage({
      type: "hello",
      v: 1,
      nick: `f${index}`,
      passkey: this.#passkey,
      room: "bench",
      client: "bench/fanout",
    }));
    return await whenJoined(socket, {
      index,
      joined: joined.promise,
      reading,
      send(text, id) {
        if (!isJoined) return;
        socket.write(encodeMessage({ type: "send", rid: id, text }));
      },
    });
  }
}
