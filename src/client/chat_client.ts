import {
  type ChatEvent,
  type ClientMessage,
  decodeChunkPayload,
  FrameType,
  OutboundChunk,
  OutboundMessage,
  parseJsonPayload,
  PROTOCOL_VERSION,
  ProtocolError,
  type ServerMessage,
  toServerMessage,
} from "../protocol/mod.ts";
import type { Connection } from "../transport/connection.ts";
import { TokenBucket } from "../util/token_bucket.ts";
import { ChatError } from "./chat_error.ts";
import { ridPrefix } from "./rid_prefix.ts";

/** The `welcome` message. */

export type Welcome = Extract<ServerMessage, { type: "welcome" }>;

/** Settings of {@linkcode ChatClient.connect}. */
export interface ConnectOptions {
  /**
   * Opens a connection to the server, or rejects with a {@linkcode ChatError} that says why
   * not: TCP or TLS in the terminal (`dialer()` in dial.ts), a WebSocket in the browser
   * (`webSocketDialer()`).
   */
  open: () => Promise<Connection>;
  /** What the client calls itself in `hello`, such as `chat-cli/0.1.0`. */
  clientName: string;
  nick: string;
  /**
   * What lets this client in (PROTOCOL.md section 2.4): its device credential, a link code, an
   * invite or the passkey; give what you have, the server uses the first that works.
   */
  passkey?: string;
  /** The credential of this device from an earlier `welcome.device`: `ID.SECRET`. */
  device?: string;
  /** An invite token from an invite link. */
  invite?: string;
  /** A link code shown on another device of the same person. */
  link?: string;
  room?: string;
  /** The server's operator credential: signs the host in (PROTOCOL.md section 3.5). */
  operator?: string;
  /** The passkey of `room`, when that room has one of its own (section 3.5). */
  roomPasskey?: string;
  /** False for a connection that only transfers files: no room, no nick claimed. */
  presence?: boolean;
  /** A resume token from an earlier connection's `welcome`. */
  resume?: string;
  /** The last event id seen: the server sends what came after instead of history. */
  since?: number;
  /** Ping when nothing was heard for this long. Default 3 s. */
  heartbeatMs?: number;
  /** Treat the connection as dead when nothing was heard for this long. Default 10 s. */
  deadAfterMs?: number;
  /**
   * Receives every server message from `welcome` on, in order. The acknowledgement of this
   * client's own message arrives as the event it acknowledges (`from` is this client's nick).
   */
  onMessage: (message: ServerMessage) => void;
  /** Called once when the connection ends; with an error unless it ended with `bye`. */
  onClose?: (error?: ChatError) => void;
}

/** Receives the bytes of a download as they arrive. */
export interface DownloadSink {
  /** Called with each piece, in order; the next is read only once it resolves. */
  chunk(data: Uint8Array): Promise<void> | void;
  /** Called once when the server has sent everything, or failed (`error`). */
  end(error?: ChatError): void;
}

/** The `download_ready` message. */
export type DownloadReady = Extract<ServerMessage, { type: "download_ready" }>;

interface Pending {
  resolve: (reply: ServerMessage) => void;
  reject: (error: ChatError) => void;
  /** For `send` and `private`: the `ack` is resolved as the stored event it carries. */
  stored?: boolean;
  /** For `download`: where its chunks go once the transfer id is known. */
  sink?: DownloadSink;
}

/**
 * A connected, authenticated chat client speaking docs/PROTOCOL.md over any
 * {@linkcode Connection}: the handshake, keepalive pings, pacing to the server's rate, requests
 * waiting for their replies, and the chunks of downloads. Runtime-neutral: the terminal and the
 * web page share it.
 *
 * @example
 * ```ts ignore
 * const client = await ChatClient.connect({
 *   open: dialer({ hostname: "127.0.0.1", port: 7777 }),
 *   clientName: "chat-cli/0.1.0",
 *   nick: "ada",
 *   passkey: "7kq2m-9xd4t-r8p3c",
 *   onMessage: (message) => console.log(message),
 * });
 * await client.send("hello");
 * await client.quit();
 * ```
 */
export class ChatClient {
  nick: string;
  room = "";
  readonly #options: ConnectOptions;
  readonly #connection: Connection;
  readonly #pending = new Map<string, Pending>();
  readonly #downloads = new Map<number, DownloadSink>();
  readonly #failedTransfers = new Map<number, ChatError>();
  readonly #handshake = Promise.withResolvers<Welcome>();
  readonly #closed: Promise<void>;
  #welcome: Welcome | undefined;
  #lastHeard = Date.now();
  #bucket: TokenBucket | undefined;
  #paced: ClientMessage[] = [];
  #pacer: ReturnType<typeof setInterval> | undefined;
  #paceMs = 20;
  /** Closed because nothing was heard for too long. */
  #dead = false;
  #ended = false;
  #bye: Extract<ServerMessage, { type: "bye" }> | undefined;
  #keepalive: ReturnType<typeof setInterval> | undefined;
  #ridCounter = 0;
  readonly #ridPrefix = ridPrefix();

  private constructor(connection: Connection, options: ConnectOptions) {
    this.#connection = connection;
    this.#options = options;
    this.nick = options.nick;
    this.#handshake.promise.catch(() => {});
    this.#closed = this.#read();
  }

  /** Connects, authenticates and joins the room. Throws {@linkcode ChatError}. */
  static async connect(options: ConnectOptions): Promise<ChatClient> {
    const connection = await options.open();
    const client = new ChatClient(connection, options);
    client.#write({
      type: "hello",
      v: PROTOCOL_VERSION,
      nick: options.nick,
      passkey: options.passkey,
      device: options.device,
      invite: options.invite,
      link: options.link,
      room: options.room,
      client: options.clientName,
      presence: options.presence,
      resume: options.resume,
      since: options.since,
      operator: options.operator,
      room_passkey: options.roomPasskey,
    });
    const heartbeatMs = options.heartbeatMs ?? 3000;
    const deadAfterMs = options.deadAfterMs ?? 10_000;
    // Also during the handshake: a server that accepts but never answers is dead too.
    client.#keepalive = setInterval(() => {
      const silent = Date.now() - client.#lastHeard;
      if (silent >= deadAfterMs) {
        client.#dead = true;
        client.#connection.close();
      } else if (silent >= heartbeatMs) {
        client.#write({ type: "ping" });
      }
    }, Math.max(Math.min(heartbeatMs, deadAfterMs) / 2, 10));
    await client.#handshake.promise;
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

  /** Whether the connection has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The `bye` the server said before closing, if it said one. */
  get bye(): Extract<ServerMessage, { type: "bye" }> | undefined {
    return this.#bye;
  }

  /** Whether messages still wait for their acknowledgement. */
  get unacknowledged(): number {
    return this.#pending.size;
  }

  /**
   * Sends a message (or `/me` action) to the current room, `replyTo` answering that message;
   * resolves with the stored event.
   */
  send(
    text: string,
    options: { action?: boolean; rid?: string; replyTo?: number } = {},
  ): Promise<ChatEvent> {
    const rid = options.rid ?? this.rid();
    const { action, replyTo } = options;
    return this.#track(
      { type: "send", rid, text, action: action || undefined, reply_to: replyTo },
      {
        stored: true,
      },
    ) as Promise<ChatEvent>;
  }

  /** Sends a private message, `replyTo` answering that one; resolves with the stored event. */
  sendPrivate(
    to: string,
    text: string,
    options: { rid?: string; replyTo?: number } = {},
  ): Promise<ChatEvent> {
    const rid = options.rid ?? this.rid();
    return this.#track({ type: "private", rid, to, text, reply_to: options.replyTo }, {
      stored: true,
    }) as Promise<ChatEvent>;
  }

  /**
   * Sends a request and resolves with the reply of type `expect` that carries its `rid`;
   * rejects with {@linkcode ChatError} when the server answers with an error.
   */
  async call<T extends ServerMessage["type"]>(
    message: ClientMessage & { rid: string },
    expect: T,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const reply = await this.#track(message, {});
    if (reply.type !== expect) {
      throw new ChatError(
        "bad_reply",
        `The server answered "${reply.type}" instead of "${expect}".`,
      );
    }
    return reply as Extract<ServerMessage, { type: T }>;
  }

  /**
   * Asks for file `id` from `offset` on; its bytes go to `sink`. Resolves with
   * `download_ready` (the file's name, size and SHA-256).
   */
  async download(id: number, offset: number, sink: DownloadSink): Promise<DownloadReady> {
    const reply = await this.#track({ type: "download", rid: this.rid(), id, offset }, { sink });
    return reply as DownloadReady;
  }

  /** Sends one piece of an upload; resolves once it is written to the socket. */
  async sendChunk(transfer: number, data: Uint8Array): Promise<void> {
    const failed = this.#failedTransfers.get(transfer);
    if (failed !== undefined) throw failed;
    try {
      await this.#connection.send([new OutboundChunk(transfer, data)]);
    } catch {
      this.#connection.close();
      throw new ChatError("closed", "The connection to the server was lost.");
    }
  }

  /** A fresh request id. */
  rid(): string {
    return `${this.#ridPrefix}-${++this.#ridCounter}`;
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

  /**
   * Sends a message, paced to the rate the server announced so that a fast script is slowed
   * down here rather than refused there; order is kept. Pongs are never held back.
   */
  #write(message: ClientMessage): void {
    if (message.type !== "pong" && (this.#paced.length > 0 || !(this.#bucket?.take() ?? true))) {
      this.#paced.push(message);
      this.#pacer ??= setInterval(() => this.#drainPaced(), this.#paceMs);
      return;
    }
    this.#connection.send([new OutboundMessage(message)]).catch(() => this.#connection.close());
  }

  #drainPaced(): void {
    while (this.#paced.length > 0 && this.#bucket!.take()) {
      const message = this.#paced.shift()!;
      this.#connection.send([new OutboundMessage(message)]).catch(() => this.#connection.close());
    }
    if (this.#paced.length === 0) {
      clearInterval(this.#pacer);
      this.#pacer = undefined;
    }
  }

  #track(
    message: ClientMessage & { rid: string },
    extra: Pick<Pending, "stored" | "sink">,
  ): Promise<ServerMessage> {
    const { promise, resolve, reject } = Promise.withResolvers<ServerMessage>();
    this.#pending.set(message.rid, { resolve, reject, ...extra });
    this.#write(message);
    return promise;
  }

  async #read(): Promise<void> {
    let error: ChatError | undefined;
    let ended = false;
    try {
      for await (const frame of this.#connection.frames()) {
        if (frame instanceof ProtocolError) {
          error = this.#welcome === undefined
            ? new ChatError(
              "not_chat",
              "The server does not answer in the chat protocol; if it was started with --tls, " +
                "add --tls (or --fingerprint).",
            )
            : new ChatError(frame.code, `The server sent a malformed frame: ${frame.message}`);
          break;
        }
        if (frame.type === FrameType.CHUNK) {
          const { transfer, data } = decodeChunkPayload(frame.payload);
          await this.#downloads.get(transfer)?.chunk(data);
          continue;
        }
        if (frame.type !== FrameType.JSON) continue;
        let message: ServerMessage | undefined;
        try {
          // A message of a type this client does not know (a newer server's) is ignored, and
          // so is one whose fields break the schema: nothing reads a field that is not there.
          message = toServerMessage(parseJsonPayload(frame.payload));
        } catch {
          continue;
        }
        if (message === undefined) continue;
        const outcome = this.#receive(message);
        if (outcome !== undefined) {
          ended = outcome === "bye";
          if (outcome instanceof ChatError) error = outcome;
          break;
        }
      }
    } finally {
      this.#ended = true;
      this.#connection.close();
      clearInterval(this.#keepalive);
      clearInterval(this.#pacer);
      if (!ended && error === undefined) {
        error = this.#dead
          ? new ChatError("timeout", "The server stopped answering; the connection is dead.")
          : this.#welcome === undefined
          ? new ChatError("closed", "The server closed the connection during the handshake.")
          : new ChatError("closed", "The server closed the connection.");
      }
      this.#handshake.reject(error);
      const reason = error ?? new ChatError("closed", "The connection was closed.");
      for (const pending of this.#pending.values()) pending.reject(reason);
      this.#pending.clear();
      for (const sink of this.#downloads.values()) sink.end(reason);
      this.#downloads.clear();
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
        if (message.rate !== undefined) {
          // A little under the server's rate, so clock drift never tips it over.
          const perSecond = message.rate.per_second * 0.9;
          this.#bucket = new TokenBucket({ perSecond, burst: message.rate.burst });
          this.#paceMs = Math.max(1, Math.floor(1000 / perSecond));
        }
        this.nick = message.nick;
        this.#options.onMessage(message);
        this.#handshake.resolve(message);
      }
      return undefined;
    }
    switch (message.type) {
      case "error": {
        const error = new ChatError(message.code, message.message);
        const pending = message.rid === undefined ? undefined : this.#pending.get(message.rid);
        if (pending !== undefined) {
          this.#pending.delete(message.rid!);
          pending.reject(error);
        }
        if (message.transfer !== undefined) this.#failedTransfers.set(message.transfer, error);
        this.#options.onMessage(message);
        return message.fatal ? error : undefined;
      }
      case "download_end": {
        const sink = this.#downloads.get(message.transfer);
        this.#downloads.delete(message.transfer);
        sink?.end(
          message.error === undefined ? undefined : new ChatError("storage_failed", message.error),
        );
        return undefined;
      }
    }
    const rid = "rid" in message ? message.rid : undefined;
    const pending = rid === undefined ? undefined : this.#pending.get(rid);
    if (pending !== undefined) {
      this.#pending.delete(rid!);
      if (message.type === "ack" && pending.stored) {
        // The server's own copy of the stored message: this client's line, as the others see it.
        const event = message.event as ChatEvent;
        this.#options.onMessage(event);
        pending.resolve(event);
        return undefined;
      }
      if (message.type === "download_ready" && pending.sink !== undefined) {
        // Installed before the next frame is read, so no chunk can arrive unclaimed.
        this.#downloads.set(message.transfer, pending.sink);
      }
      pending.resolve(message);
    }
    switch (message.type) {
      case "ping":
        this.#write({ type: "pong", rid: message.rid });
        return undefined;
      case "joined":
        this.room = message.room;
        break;
      case "nick_ok":
        this.nick = message.nick;
        break;
      case "bye":
        this.#bye = message;
        break;
    }
    this.#options.onMessage(message);
    return message.type === "bye" ? "bye" : undefined;
  }
}
