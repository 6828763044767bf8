import { assertEquals } from "@std/assert";
import { ChatError } from "../../src/client/chat_error.ts";
import { type ConnectionStatus, ReconnectingClient } from "../../src/client/reconnecting_client.ts";
import {
  type ClientMessage,
  type DecodeResult,
  FrameType,
  type Outbound,
  type OutboundMessage,
  type ServerMessage,
} from "../../src/protocol/mod.ts";
import type { Connection } from "../../src/transport/connection.ts";

const encoder = new TextEncoder();

/**
 * A server in memory that answers each `hello` with what `answer` says for that connection
 * (counted from 0), keeps every `hello` it was given, and can say more on, or drop, the newest
 * connection. After a fatal error it closes the connection, as the real one does.
 */
class ScriptedServer {
  readonly hellos: Extract<ClientMessage, { type: "hello" }>[] = [];
  readonly #answer: (connection: number) => ServerMessage[];
  #newest: { say(message: ServerMessage): void; close(): void } | undefined;

  constructor(answer: (connection: number) => ServerMessage[]) {
    this.#answer = answer;
  }

  /** Sends `message` on the newest connection (closing it after a fatal error). */
  say(message: ServerMessage): void {
    this.#newest?.say(message);
  }

  /** Drops the newest connection, as a network failure does. */
  drop(): void {
    this.#newest?.close();
  }

  /** Opens one connection, as a dialer does. */
  open = (): Promise<Connection> => {
    const queue: DecodeResult[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const close = () => {
      closed = true;
      wake?.();
    };
    const say = (message: ServerMessage) => {
      queue.push({ type: FrameType.JSON, payload: encoder.encode(JSON.stringify(message)) });
      if (message.type === "error" && message.fatal) closed = true;
      wake?.();
    };
    this.#newest = { say, close };
    const connection: Connection = {
      remote: "192.0.2.1:7777",
      maxFrameBytes: 1 << 20,
      async *frames() {
        for (;;) {
          while (queue.length > 0) yield queue.shift()!;
          if (closed) return;
          await new Promise<void>((resolve) => wake = resolve);
        }
      },
      send: (items: readonly Outbound[]) => {
        for (const item of items) {
          const message = (item as OutboundMessage).message as ClientMessage;
          if (message.type !== "hello") continue;
          const answer = this.#answer(this.hellos.length);
          this.hellos.push(message);
          for (const reply of answer) say(reply);
        }
        return Promise.resolve();
      },
      close,
    };
    return Promise.resolve(connection);
  };
}

const WELCOME: ServerMessage = {
  type: "welcome",
  v: 1,
  server: "test",
  nick: "ana",
  max_message_bytes: 4096,
  max_frame_bytes: 1 << 20,
  history: 50,
};
const JOINED: ServerMessage = { type: "joined", room: "side", users: ["ana"], count: 1 };

function fatal(code: string, message: string): ServerMessage {
  return { type: "error", code, message, fatal: true };
}

for (const code of ["kicked", "banned"]) {
  Deno.test(`ReconnectingClient stops for good, with the server's sentence, when it is ${code}`, async () => {
    const sentence = `You were ${code} by host: enough.`;
    const server = new ScriptedServer(() => [WELCOME, JOINED]);
    const statuses: ConnectionStatus[] = [];
    const client = await ReconnectingClient.connect({
      open: server.open,
      clientName: "test",
      nick: "ana",
      passkey: "p",
      room: "side",
      firstDelayMs: 1,
      maxDelayMs: 1,
      onMessage: () => {},
      onStatus: (status) => statuses.push(status),
    });
    server.say(fatal(code, sentence));
    const error = await client.finished;
    assertEquals(error instanceof ChatError ? [error.code, error.message] : error, [
      code,
      sentence,
    ]);
    assertEquals(statuses.map((status) => status.state), ["gave_up"]);
    assertEquals(server.hellos.length, 1, "no second hello after being removed");
  });
}

Deno.test("ReconnectingClient gives the room's passkey it was told in the hello of a reconnect; a room that turned it away sends it to the lobby", async () => {
  const server = new ScriptedServer((n) =>
    n === 0 ? [WELCOME, JOINED] : [fatal("room_closed", "The room side is closed.")]
  );
  const client = await ReconnectingClient.connect({
    open: server.open,
    clientName: "test",
    nick: "ana",
    passkey: "p",
    operator: "op-secret",
    room: "side",
    firstDelayMs: 1,
    maxDelayMs: 1,
    onMessage: () => {},
    onStatus: () => {},
  });
  client.rememberRoomPasskey("side", "side-key");
  server.drop();
  const error = await client.finished;
  assertEquals(error?.code, "room_closed");
  assertEquals(server.hellos.length, 3, "the room, then the lobby, then no more");
  assertEquals(server.hellos[0].operator, "op-secret");
  assertEquals(server.hellos[0].room_passkey, undefined);
  assertEquals(server.hellos[1].room_passkey, "side-key");
  assertEquals(server.hellos[1].operator, "op-secret");
  assertEquals([server.hellos[2].room, server.hellos[2].room_passkey], [undefined, undefined]);
});
