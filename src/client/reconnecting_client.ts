import {
  type ChatEvent,
  type ClientMessage,
  normalizeRoom,
  type ServerMessage,
} from "../protocol/mod.ts";
import { ChatClient, type ConnectOptions } from "./chat_client.ts";
import { ChatError } from "./chat_error.ts";
import { HOST_REPLIES, type HostRequest } from "./host_commands.ts";
import { ridPrefix } from "./rid_prefix.ts";
import { sentence } from "./sentence.ts";

/** What a reconnecting client tells its user about the connection. */
export interface ConnectionStatus {
  state: "reconnecting" | "reconnected" | "gave_up";
  /** One sentence for the user. */
  text: string;
  /** For `reconnecting`: how long until the next try. */
  delayMs?: number;
}

/** Settings of {@linkcode ReconnectingClient.connect}. */
export interface ReconnectingOptions
  extends Omit<ConnectOptions, "onClose" | "resume" | "since" | "presence"> {
  onStatus: (status: ConnectionStatus) => void;
  /** First retry delay; it doubles up to `maxDelayMs`, with jitter. Default 500 ms. */
  firstDelayMs?: number;
  /** Longest wait between tries. Default 30 s. */
  maxDelayMs?: number;
  /** False to stop at the first lost connection instead of reconnecting. Default true. */
  reconnect?: boolean;
  /**
   * Called with the credential of a device the server made for this client (`welcome.device`):
   * keep it to come back without the passkey. Reconnects use it from then on.
   */
  onDevice?: (credential: string) => void;
}

interface Unacknowledged {
  rid: string;
  send: (client: ChatClient) => Promise<ChatEvent>;
  resolve: (event: ChatEvent) => void;
  reject: (error: ChatError) => void;
}

/** Errors with which the server removed this person: reconnecting would only be refused. */
const REMOVED = new Set(["kicked", "banned"]);

/** Errors of a `hello` whose room no longer admits this person: the lobby still may. */
const ROOM_REFUSED = new Set(["room_locked", "room_closed"]);

/** The reply to a host control request. */
export type HostReply = Extract<
  ServerMessage,
  { type: typeof HOST_REPLIES[keyof typeof HOST_REPLIES] }
>;

/** How many event ids are remembered to drop duplicates after a reconnect. */
const SEEN_IDS = 10_000;

/**
 * A chat connection that survives drops: it notices a dead link (heartbeats), reconnects with
 * exponential backoff and jitter, resumes its nick and room, receives exactly the events it
 * missed, and resends every message not yet acknowledged under the same request id, so the
 * server stores each once. A wrong passkey (a rotated one), a takeover, or being kicked or banned
 * ends the retries. The passkey of a room with its own (`/join ROOM PASSKEY`) is kept, to get back
 * into that room after a reconnect.
 */
export class ReconnectingClient {
  readonly #options: ReconnectingOptions;
  readonly #unacknowledged = new Map<string, Unacknowledged>();
  readonly #seen = new Set<number>();
  readonly #finished = Promise.withResolvers<ChatError | undefined>();
  readonly #entered = Promise.withResolvers<void>();
  #client: ChatClient | undefined;
  #nick: string;
  #room: string | undefined;
  #resume: string | undefined;
  #device: string | undefined;
  #lastId = 0;
  /** Passkeys of rooms that have their own, by normalised room name. */
  readonly #roomPasskeys = new Map<string, string>();
  #topic: string | undefined;
  #stopped = false;
  #wake: (() => void) | undefined;
  #ridCounter = 0;
  readonly #ridPrefix = ridPrefix();

  private constructor(options: ReconnectingOptions) {
    this.#options = options;
    this.#nick = options.nick;
    this.#room = options.room;
    this.#device = options.device;
    if (options.room !== undefined && options.roomPasskey !== undefined) {
      this.#roomPasskeys.set(normalizeRoom(options.room).room, options.roomPasskey);
    }
  }

  /** Connects for the first time; failures are thrown as by {@linkcode ChatClient.connect}. */
  static async connect(options: ReconnectingOptions): Promise<ReconnectingClient> {
    const client = new ReconnectingClient(options);
    await client.#open();
    return client;
  }

  /** The nick, as the server last confirmed it. */
  get nick(): string {
    return this.#client?.nick ?? this.#nick;
  }

  /** The current room; until the server's `joined` says, the room asked for. */
  get room(): string {
    return this.#client?.room || this.#room || "lobby";
  }

  /**
   * Resolves once the server has put this client in its first room (`joined`): from then on
   * `room` and `topic` are the server's word.
   */
  get entered(): Promise<void> {
    return this.#entered.promise;
  }

  /** The topic of the current room, as `joined` and live `topic` notices told it. */
  get topic(): string | undefined {
    return this.#topic;
  }

  /** The live connection, or undefined while reconnecting. */
  get current(): ChatClient | undefined {
    return this.#client?.ended === false ? this.#client : undefined;
  }

  /** Messages sent but not yet acknowledged (queued while disconnected included). */
  get unacknowledged(): number {
    return this.#unacknowledged.size;
  }

  /** Resolves when the client stops for good: after `quit`, or with the error that ended it. */
  get finished(): Promise<ChatError | undefined> {
    return this.#finished.promise;
  }

  /**
   * Sends a message to the room (`replyTo`: answering that message); while disconnected it waits
   * and goes out on reconnect.
   */
  send(text: string, options: { action?: boolean; replyTo?: number } = {}): Promise<ChatEvent> {
    return this.#enqueue((client, rid) => client.send(text, { ...options, rid }));
  }

  /** Sends a private message, likewise queued while disconnected. */
  sendPrivate(to: string, text: string, options: { replyTo?: number } = {}): Promise<ChatEvent> {
    return this.#enqueue((client, rid) => client.sendPrivate(to, text, { ...options, rid }));
  }

  /**
   * Sends a request now; false while disconnected. A `join` with a room passkey keeps it for
   * reconnects, and a `join` without one gives the passkey kept for that room.
   */
  request(message: Exclude<ClientMessage, { type: "hello" | "send" | "private" }>): boolean {
    const client = this.current;
    if (message.type === "join") {
      const room = normalizeRoom(message.room).room;
      if (message.passkey !== undefined) this.#roomPasskeys.set(room, message.passkey);
      else if (this.#roomPasskeys.has(room)) {
        message = { ...message, passkey: this.#roomPasskeys.get(room) };
      }
    }
    client?.request(message);
    return client !== undefined;
  }

  /**
   * Sends a host control request (PROTOCOL.md section 3.5) with a fresh `rid` and resolves with
   * its reply (`done`, `ban_list`…), which also arrives through `onMessage`; rejects with the
   * server's error. Undefined while disconnected: such requests are not queued.
   */
  call(request: HostRequest): Promise<HostReply> | undefined {
    const client = this.current;
    if (client === undefined) return undefined;
    const message = { ...request, rid: client.rid() } as ClientMessage & { rid: string };
    return client.call(message, HOST_REPLIES[request.type]) as Promise<HostReply>;
  }

  /**
   * Keeps the passkey of `room` (one that has its own, PROTOCOL.md section 3.5), which a `join`
   * got in with: reconnects into that room give it in `hello.room_passkey`.
   */
  rememberRoomPasskey(room: string, passkey: string): void {
    this.#roomPasskeys.set(normalizeRoom(room).room, passkey);
  }

  /** Stops reconnecting, says goodbye if connected, and resolves once closed. */
  async quit(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    const client = this.current;
    if (client !== undefined) await client.quit();
    this.#finish(undefined);
  }

  #rid(): string {
    return `${this.#ridPrefix}-r${++this.#ridCounter}`;
  }

  #enqueue(send: (client: ChatClient, rid: string) => Promise<ChatEvent>): Promise<ChatEvent> {
    const { promise, resolve, reject } = Promise.withResolvers<ChatEvent>();
    const rid = this.#rid();
    const entry = { rid, send: (client: ChatClient) => send(client, rid), resolve, reject };
    this.#unacknowledged.set(rid, entry);
    const client = this.current;
    if (client !== undefined) this.#transmit(client, entry);
    return promise;
  }

  #transmit(client: ChatClient, entry: Unacknowledged): void {
    entry.send(client).then(
      (event) => {
        this.#unacknowledged.delete(entry.rid);
        entry.resolve(event);
      },
      (error: ChatError) => {
        // Lost with its connection: it goes again, same rid, once reconnected.
        if (client.ended && this.#unacknowledged.has(entry.rid) && !this.#stopped) return;
        this.#unacknowledged.delete(entry.rid);
        entry.reject(error);
      },
    );
  }

  async #open(): Promise<void> {
    const { invite, link } = this.#options;
    const room = this.#room === undefined ? undefined : normalizeRoom(this.#room).room;
    const client = await ChatClient.connect({
      ...this.#options,
      device: this.#device,
      ...(this.#device === undefined ? { invite, link } : { invite: undefined, link: undefined }),
      nick: this.#nick,
      room: this.#room,
      roomPasskey: room === undefined ? undefined : this.#roomPasskeys.get(room),
      resume: this.#resume,
      since: this.#lastId > 0 ? this.#lastId : undefined,
      onMessage: (message) => this.#receive(message),
      onClose: (error) => this.#lost(client, error),
    });
    this.#client = client;
    for (const entry of this.#unacknowledged.values()) this.#transmit(client, entry);
  }

  #receive(message: ServerMessage): void {
    if (message.type === "welcome") {
      this.#resume = message.resume;
      if (message.device !== undefined) {
        // In on this device from now on: a link code is used up, an invite may expire.
        this.#device = message.device;
        this.#options.onDevice?.(message.device);
      }
    }
    if ("id" in message && typeof message.id === "number" && isEvent(message)) {
      if (!message.history) {
        // A resent message's ack, or an event also sent in a catch-up, shows only once.
        if (this.#seen.has(message.id)) return;
        this.#seen.add(message.id);
        if (this.#seen.size > SEEN_IDS) this.#seen.delete(this.#seen.values().next().value!);
      }
      this.#lastId = Math.max(this.#lastId, message.id);
    }
    if (message.type === "joined") {
      this.#topic = message.topic || undefined;
      this.#entered.resolve();
    }
    if (
      message.type === "notice" && message.event === "topic" && !message.history &&
      message.room === this.room
    ) {
      this.#topic = message.topic || undefined;
    }
    if (message.type === "history_end" && message.last_id !== undefined) {
      // The room as the page showed it, notices it left out included.
      this.#lastId = Math.max(this.#lastId, message.last_id);
    }
    this.#options.onMessage(message);
  }

  #lost(client: ChatClient, error: ChatError | undefined): void {
    this.#nick = client.nick;
    this.#room = client.room || this.#room;
    if (this.#stopped) return this.#finish(undefined);
    const bye = client.bye;
    if (bye?.reason === "quit") return this.#finish(undefined);
    if (bye?.reason === "replaced") return this.#giveUp(new ChatError("replaced", bye.message));
    if (error !== undefined && REMOVED.has(error.code)) return this.#giveUp(error);
    const why = bye?.message ?? error?.message ?? "The connection was lost.";
    if (this.#options.reconnect === false) {
      return this.#giveUp(new ChatError(error?.code ?? bye?.reason ?? "closed", why));
    }
    this.#reconnect(why);
  }

  async #reconnect(why: string): Promise<void> {
    const first = this.#options.firstDelayMs ?? 500;
    const max = this.#options.maxDelayMs ?? 30_000;
    for (let attempt = 0; !this.#stopped; attempt++) {
      const base = Math.min(max, first * 2 ** attempt);
      const delayMs = Math.round(base / 2 + Math.random() * base / 2);
      this.#options.onStatus({
        state: "reconnecting",
        delayMs,
        text: `${sentence(why)} Reconnecting in ${formatDelay(delayMs)}…`,
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.#stopped) return;
      try {
        await this.#open();
        this.#options.onStatus({ state: "reconnected", text: "Reconnected." });
        return;
      } catch (error) {
        if (!(error instanceof ChatError)) throw error;
        if (error.code === "nick_owned" || error.code === "bad_device" || REMOVED.has(error.code)) {
          return this.#giveUp(error);
        }
        if (ROOM_REFUSED.has(error.code) && this.#room !== undefined) {
          // The room was locked or closed while we were away: the lobby still takes us.
          why = `${sentence(error.message)} Going to the lobby instead.`;
          this.#room = undefined;
          attempt = -1;
          continue;
        }
        if (ROOM_REFUSED.has(error.code)) return this.#giveUp(error);
        if (error.code === "bad_passkey") {
          return this.#giveUp(
            new ChatError(
              "bad_passkey",
              "The server no longer accepts this passkey; ask for the new one and join again.",
            ),
          );
        }
        why = error.message;
      }
    }
  }

  #giveUp(error: ChatError): void {
    this.#stopped = true;
    this.#options.onStatus({ state: "gave_up", text: error.message });
    for (const entry of this.#unacknowledged.values()) entry.reject(error);
    this.#unacknowledged.clear();
    this.#finish(error);
  }

  #finish(error: ChatError | undefined): void {
    this.#finished.resolve(error);
  }
}

function isEvent(message: ServerMessage): message is ChatEvent {
  return message.type === "message" || message.type === "action" ||
    message.type === "private" || message.type === "notice" || message.type === "file";
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
