import {
  type ClientMessage,
  type DecodeResult,
  FrameType,
  type Outbound,
  OutboundMessage,
  type ServerMessage,
} from "../../src/protocol/mod.ts";
import type { Connection } from "../../src/transport/connection.ts";

const encoder = new TextEncoder();

/** One connection to a {@linkcode ScriptedServer}: what the client sent, and a way to answer. */
export class ScriptedConnection implements Connection {
  readonly remote = "scripted";
  maxFrameBytes = 1 << 20;
  readonly sent: ClientMessage[] = [];
  readonly #queue: DecodeResult[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #answer: (message: ClientMessage, connection: ScriptedConnection) => void;

  constructor(answer: (message: ClientMessage, connection: ScriptedConnection) => void) {
    this.#answer = answer;
  }

  /** Sends `message` to the client. */
  push(message: ServerMessage): void {
    this.#queue.push({ type: FrameType.JSON, payload: encoder.encode(JSON.stringify(message)) });
    this.#wake?.();
  }

  async *frames(): AsyncIterable<DecodeResult> {
    for (;;) {
      const next = this.#queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  send(items: readonly Outbound[]): Promise<void> {
    for (const item of items) {
      if (!(item instanceof OutboundMessage)) continue;
      const message = item.message as ClientMessage;
      this.sent.push(message);
      if (message.type === "quit") {
        this.push({ type: "bye", reason: "quit", message: "Goodbye." });
        this.close();
      } else this.#answer(message, this);
    }
    return Promise.resolve();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }
}

/**
 * A server in the test process that answers each message with what `answer` pushes: for the
 * client core's own rules (what it sends on reconnect, when it stops), without a real server.
 */
export class ScriptedServer {
  readonly connections: ScriptedConnection[] = [];
  readonly #answer: (message: ClientMessage, connection: ScriptedConnection) => void;
  #opened: (() => void)[] = [];

  constructor(answer: (message: ClientMessage, connection: ScriptedConnection) => void) {
    this.#answer = answer;
  }

  /** The `open` of a client's connect options. */
  readonly open = (): Promise<Connection> => {
    const connection = new ScriptedConnection(this.#answer);
    this.connections.push(connection);
    for (const resolve of this.#opened.splice(0)) resolve();
    return Promise.resolve(connection);
  };

  /** Resolves once `count` connections were opened. */
  async opened(count: number): Promise<void> {
    while (this.connections.length < count) {
      await new Promise<void>((resolve) => this.#opened.push(resolve));
    }
  }
}

/** The `welcome` a scripted server answers `hello` with, and its `joined` and `history_end`. */
export function welcomeFor(hello: Extract<ClientMessage, { type: "hello" }>): ServerMessage[] {
  const room = hello.room ?? "lobby";
  return [
    {
      type: "welcome",
      v: 1,
      server: "chat/test",
      nick: hello.nick,
      max_message_bytes: 4096,
      max_frame_bytes: 1 << 20,
      history: 50,
      ...(hello.operator === "op-secret" ? { operator: true } : {}),
    },
    { type: "joined", room, users: [hello.nick], count: 1 },
    { type: "history_end", room, count: 0, before: null, more: false },
  ];
}
