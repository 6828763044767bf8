/**
 * The fan-out generator's chat client: the raw protocol of docs/PROTOCOL.md over TCP, with
 * {@linkcode encodeMessage} and {@linkcode FrameDecoder}, and nothing else (the CLI's client
 * does far more per message than a load generator can afford for a thousand connections).
 *
 * @module
 */
import { encodeMessage, FrameDecoder } from "../../src/protocol/mod.ts";
import type { Adapter, FanoutClient, RunContext } from "./adapter.ts";
import { forEachJsonFrame, frameKind, TYPE_AT } from "./chat_frames.ts";
import { Socket, whenJoined } from "./socket.ts";

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
      const kind = frameKind(bytes, start);
      if (kind === "message") {
        const from = start + TYPE_AT;
        const delivered = context.sink.deliver(index, bytes, { from, to: end, atMicros });
        if (!delivered) {
          context.errors.add(
            "message without a marker",
            decoder.decode(bytes.subarray(start, end)),
          );
        }
        return;
      }
      if (kind !== "other") return;
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
      forEachJsonFrame(bytes, frames, {
        onFrame: (payload, start, end) => onFrame(payload, start, end, atMicros),
        onBadFrame: (message) => context.errors.add("bad frame", message),
      });
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
