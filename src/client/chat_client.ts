import {
  type ChatEvent,
  type ClientMessage,
  FrameType,
  OutboundMessage,
  parseJsonPayload,
  PROTOCOL_VERSION,
  ProtocolError,
  type ServerMessage,
} from "../protocol/mod.ts";
import { TcpConnection } from "../transport/mod.ts";
import { ChatError } from "./chat_error.ts";
import { dial } from "./dial.ts";
import { VERSION } from "../version.ts";

/** The `welcome` message. */
export type Welcome = Extract<ServerMessage, { type: "welcome" }>;

/** Settings of {@linkcode ChatClient.connect}. */
export interface ConnectOptions {
  hostname: string;
  port: number;
  nick: string;
  passkey: string;
  room?: string;
  /** Gives up connecting after this long. Default 10 s. */
  connectTimeoutMs?: number;
  /**
   * Receives every server message from `welcome` on, in order. The acknowledgement of this
   * client's own message arrives as the event it acknowledges (`from` is this client's nick).
   */
  onMessage: (message: ServerMessage) => void;
  /** Called once when the connection ends; with an error unless it ended with `bye`. */
  onClose?: (error?: ChatError) => void;
}

interface Pending {
  resolve: (event: ChatEvent) => void;
  reject: (error: ChatError) => void;
  event: Omit<ChatEvent, "id" | "ts">;
}

const KEEPALIVE_MS = 15_000;

/**
 * A connected, authenticated chat client speaking docs/PROTOCOL.md over TCP.
 *
 * @example
 * ```ts ignore
 * const client = await ChatClient.connect({ hostname: "127.0.0.1", port: 7777, nick: "ada",
 *   passkey: "7kq2m-9xd4t-r8p3c", onMessage: (message) => console.log(message) });
 * await client.send("hello");
 * await client.quit();
 * ```
 */
export class ChatClient {
  nick: string;
  room = "";
  readonly #options: ConnectOptions;
  readonly #connection: TcpConnection;
  readonly #pending = new Map<string, Pending>();
  readonly #handshake = Promise.withResolvers<Welcome>();
  readonly #closed: Promise<void>;
  #welcome: Welcome | undefined;
  #lastHeard = Date.now();
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #ridCounter = 0;
  readonly #ridPrefix = crypto.randomUUID().slice(0, 8);

  private constructor(connection: TcpConnection, options: ConnectOptions) {
    this.#connection = connection;
    this.#options = options;
    this.nick = options.nick;
    this.#handshake.promise.catch(() => {});
    this.#closed = this.#read();
  }

  /** Connects, authenticates and joins the room. Throws {@linkcode ChatError}. */
  static async connect(options: ConnectOptions): Promise<ChatClient> {
    const connection = new TcpConnection(await dial(options));
    const client = new ChatClient(connection, options);
    client.#write({
      type: "hello",
      v: PROTOCOL_VERSION,
      nick: options.nick,
      passkey: options.passkey,
      room: options.room,
      client: `chat-cli/${VERSION}`,
    });
    await client.#handshake.promise;
    client.#keepalive = setInterval(() => {
      if (Date.now() - client.#lastHeard >= KEEPALIVE_MS) client.#write({ type: "ping" });
    }, KEEPALIVE_MS);
    return client;
  }

  /** What the server announced in its `welcome`. */
  get welcome(): Welcome {
    return this.#welcome!;
  }

  /** Resolves when the connection has ended. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** Whether messages still wait for their acknowledgement. */
  get unacknowledged(): number {
    return this.#pending.size;
  }

  /** Sends a message (or `/me` action) to the current room; resolves with the stored event. */
  send(text: string, options: { action?: boolean } = {}): Promise<ChatEvent> {
    const rid = this.#rid();
    return this.#track({ type: "send", rid, text, action: options.action || undefined }, {
      type: options.action ? "action" : "message",
      room: this.room,
      from: this.nick,
      text,
    });
  }

  /** Sends a private message; resolves with the stored event. */
  sendPrivate(to: string, text: string): Promise<ChatEvent> {
    return this.#track({ type: "private", rid: this.#rid(), to, text }, {
      type: "private",
      room: this.room,
      from: this.nick,
      to,
      text,
    });
  }

  /** Sends a request whose reply arrives through `onMessage`. */
  request(message: Exclude<ClientMessage, { type: "hello" | "send" | "private" }>): void {
    this.#write(message);
  }

  /** Says goodbye and waits until the server has closed the connection. */
  async quit(): Promise<void> {
    this.#write({ type: "quit" });
    await this.#closed;
  }

  /** Closes the connection at once. */
  close(): void {
    this.#connection.close();
  }

  #rid(): string {
    return `${this.#ridPrefix}-${++this.#ridCounter}`;
  }

  #write(message: ClientMessage): void {
    this.#connection.send([new OutboundMessage(message)]).catch(() => this.#connection.close());
  }

  #track(message: ClientMessage & { rid: string }, event: Pending["event"]): Promise<ChatEvent> {
    const { promise, resolve, reject } = Promise.withResolvers<ChatEvent>();
    this.#pending.set(message.rid, { resolve, reject, event });
    this.#write(message);
    return promise;
  }

  async #read(): Promise<void> {
    let error: ChatError | undefined;
    let ended = false;
    try {
      for await (const frame of this.#connection.frames()) {
        if (frame instanceof ProtocolError) {
          error = new ChatError(frame.code, `The server sent a malformed frame: ${frame.message}`);
          break;
        }
        if (frame.type !== FrameType.JSON) continue;
        let message: ServerMessage;
        try {
          message = parseJsonPayload(frame.payload) as unknown as ServerMessage;
        } catch {
          continue;
        }
        const outcome = this.#receive(message);
        if (outcome !== undefined) {
          ended = outcome === "bye";
          if (outcome instanceof ChatError) error = outcome;
          break;
        }
      }
    } finally {
      this.#connection.close();
      clearInterval(this.#keepalive);
      if (!ended && error === undefined) {
        error = this.#welcome === undefined
          ? new ChatError("closed", "The server closed the connection during the handshake.")
          : new ChatError("closed", "The server closed the connection.");
      }
      this.#handshake.reject(error);
      const reason = error ?? new ChatError("closed", "The connection was closed.");
      for (const pending of this.#pending.values()) pending.reject(reason);
      this.#pending.clear();
      if (this.#welcome !== undefined) this.#options.onClose?.(error);
    }
  }

  /** Handles one message; returns why the connection ends, if it does. */
  #receive(message: ServerMessage): ChatError | "bye" | undefined {
    this.#lastHeard = Date.now();
    if (this.#welcome === undefined) {
      if (message.type === "error") return new ChatError(message.code, message.message);
      if (message.type === "welcome") {
        this.#welcome = message;
        this.nick = message.nick;
        this.#options.onMessage(message);
        this.#handshake.resolve(message);
      }
      return undefined;
    }
    switch (message.type) {
      case "ack": {
        const pending = this.#pending.get(message.rid);
        if (pending === undefined) return undefined;
        this.#pending.delete(message.rid);
        const event = { ...pending.event, id: message.id, ts: message.ts } as ChatEvent;
        this.#options.onMessage(event);
        pending.resolve(event);
        return undefined;
      }
      case "error": {
        this.#options.onMessage(message);
        const pending = message.rid === undefined ? undefined : this.#pending.get(message.rid);
        if (pending !== undefined) {
          this.#pending.delete(message.rid!);
          pending.reject(new ChatError(message.code, message.message));
        }
        return message.fatal ? new ChatError(message.code, message.message) : undefined;
      }
      case "ping":
        this.#write({ type: "pong", rid: message.rid });
        return undefined;
      case "joined":
        this.room = message.room;
        break;
      case "nick_ok":
        this.nick = message.nick;
        break;
    }
    this.#options.onMessage(message);
    return message.type === "bye" ? "bye" : undefined;
  }
}
