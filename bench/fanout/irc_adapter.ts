/**
 * The fan-out generator's IRC client (RFC 2812, the part a chat user needs): `NICK` and
 * `USER`, wait for `001`, `JOIN #bench`, wait for the end of `NAMES` (`366`), then `PRIVMSG
 * #bench :<text>`; `PING` is answered with `PONG`. IRC does not echo a `PRIVMSG` to its sender,
 * just as chat answers its sender with an `ack` instead of the message.
 *
 * @module
 */
import type { Adapter, FanoutClient, RunContext } from "./adapter.ts";
import { Socket, whenJoined } from "./socket.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LF = 0x0a;
const SPACE = 0x20;
const COLON = 0x3a;
const PRIVMSG = encoder.encode("PRIVMSG ");

/** Joins `#bench` of an IRC server as `f<index>`. */
export class IrcAdapter implements Adapter {
  /** Connects client `index`, registers it and resolves once it is in `#bench`. */
  async connect(index: number, context: RunContext): Promise<FanoutClient> {
    const socket = await Socket.open(context.port, context.errors);
    const joined = Promise.withResolvers<void>();
    const onLine = (line: string) => {
      if (line.startsWith("PING")) {
        socket.write(encoder.encode(`PONG${line.slice(4)}\r\n`));
        return;
      }
      if (line.startsWith("ERROR")) {
        if (!context.closing) context.errors.add("ERROR", line);
        joined.reject(new Error(line));
        return;
      }
      const command = line.split(" ", 2)[1] ?? "";
      if (command === "001") socket.write(encoder.encode("JOIN #bench\r\n"));
      else if (command === "366") joined.resolve();
      else if (/^[45]\d\d$/.test(command) && command !== "422" /* no MOTD */) {
        context.errors.add(`numeric ${command}`, line);
        // A refused nick, registration or join ends the client; others only count.
        if (/^(4[3467]\d|40[35])$/.test(command)) joined.reject(new Error(line));
      }
    };
    let carry: Uint8Array | undefined;
    const onBytes = (chunk: Uint8Array, atMicros: number) => {
      let bytes = chunk;
      if (carry !== undefined) {
        bytes = new Uint8Array(carry.byteLength + chunk.byteLength);
        bytes.set(carry);
        bytes.set(chunk, carry.byteLength);
        carry = undefined;
      }
      let start = 0;
      for (;;) {
        const end = bytes.indexOf(LF, start);
        if (end < 0) break;
        if (!this.#privmsg(index, bytes, start, end, atMicros, context)) {
          onLine(decoder.decode(bytes.subarray(start, end)).trimEnd());
        }
        start = end + 1;
      }
      if (start < bytes.byteLength) carry = bytes.slice(start);
    };
    const reading = socket.read(onBytes).then(() => {
      if (!context.closing) context.errors.add("closed by the server", `client ${index}`);
      joined.reject(new Error("The server closed the connection before joining."));
    });
    socket.write(encoder.encode(`NICK f${index}\r\nUSER u${index} 0 * :fanout bench\r\n`));
    return await whenJoined(socket, {
      index,
      joined: joined.promise,
      reading,
      send(text) {
        socket.write(encoder.encode(`PRIVMSG #bench :${text}\r\n`));
      },
    });
  }

  /** Handles `:prefix PRIVMSG …` in `bytes[start, end)` without decoding it; false if not one. */
  #privmsg(
    index: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    atMicros: number,
    context: RunContext,
  ): boolean {
    if (bytes[start] !== COLON) return false;
    const space = bytes.indexOf(SPACE, start);
    if (space < 0 || space >= end) return false;
    for (let i = 0; i < PRIVMSG.length; i++) {
      if (bytes[space + 1 + i] !== PRIVMSG[i]) return false;
    }
    const delivered = context.sink.deliver(index, bytes, {
      from: space + 1 + PRIVMSG.length,
      to: end,
      atMicros,
    });
    if (!delivered) {
      context.errors.add("PRIVMSG without a marker", decoder.decode(bytes.subarray(start, end)));
    }
    return true;
  }
}
