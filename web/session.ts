/**
 * The web page's side of the client core: one {@linkcode ReconnectingClient} per login over a
 * WebSocket to this page's server, its messages turned into display events (the terminal's) and
 * shown in the lists, and the connection's state in the status line. Reconnecting, resuming,
 * dropping duplicates, pacing and keepalive are the core's; this file only shows them.
 *
 * @module
 */
import type { ChatClient } from "../src/client/chat_client.ts";
import { ChatError } from "../src/client/chat_error.ts";
import { toDisplayEvent } from "../src/client/display_event.ts";
import { HistoryCursor } from "../src/client/history_cursor.ts";
import { type ConnectionStatus, ReconnectingClient } from "../src/client/reconnecting_client.ts";
import { webSocketDialer } from "../src/client/websocket_dialer.ts";
import type { ChatEvent, ClientMessage, ServerMessage } from "../src/protocol/messages.ts";
import { VERSION } from "../src/version.ts";
import type { PageElements } from "./elements.ts";
import type { FileRows } from "./file_row.ts";
import type { MessageList } from "./list/message_list.ts";
import type { Pages } from "./pages.ts";
import type { People } from "./people.ts";
import { recall, remember } from "./storage.ts";
import type { WebCredentials } from "./pages.ts";

/** Errors about files, which the transfer that caused them reports with the file's name. */
const TRANSFER_ERRORS = new Set([
  "file_too_large",
  "checksum_mismatch",
  "storage_failed",
  "bad_transfer",
  "upload_busy",
  "no_such_file",
]);
/** The `rid` of requests the page makes by itself, whose answers update lists silently. */
const AUTO_RID = "auto-rooms";
/** How often the room list is refreshed. */
const ROOMS_EVERY_MS = 10_000;

/** The parts of the page a session shows things in. */
export interface SessionView {
  page: PageElements;
  pages: Pages;
  list: MessageList;
  people: People;
  files: FileRows;
}

/**
 * The logged-in state of the page.
 *
 * @example
 * ```ts ignore
 * const session = new Session(view);
 * await session.login("ana", "7kq2m-9xd4t-r8p3c");
 * ```
 */
export class Session {
  readonly cursor = new HistoryCursor();
  readonly #view: SessionView;
  #client: ReconnectingClient | undefined;
  #nick = "";
  #room = "lobby";
  #welcomed = false;
  #firstJoin = true;
  #countdown: ReturnType<typeof setTimeout> | undefined;

  constructor(view: SessionView) {
    this.#view = view;
    setInterval(() => this.request({ type: "rooms", rid: AUTO_RID }), ROOMS_EVERY_MS);
  }

  /** The client of this login, while logged in. */
  get client(): ReconnectingClient | undefined {
    return this.#client;
  }

  /** The live connection, or undefined while reconnecting or logged out. */
  get live(): ChatClient | undefined {
    return this.#client?.current;
  }

  /** This user's nick as the server last confirmed it. */
  get nick(): string {
    return this.#nick;
  }

  /** The room this user is in. */
  get room(): string {
    return this.#room;
  }

  /** Sends a request if connected; false otherwise. */
  request(message: Exclude<ClientMessage, { type: "hello" | "send" | "private" }>): boolean {
    return this.#client?.request(message) ?? false;
  }

  /**
   * Logs in with `credentials` and this browser's device, if it has one; a refusal or an
   * unreachable server shows the login page again with the reason.
   */
  async login(nick: string, credentials: WebCredentials): Promise<void> {
    const { list, page, pages } = this.#view;
    list.clear();
    page.outbox.replaceChildren();
    this.#nick = nick;
    this.#welcomed = false;
    this.#firstJoin = true;
    remember("chat-nick", nick);
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    let client: ReconnectingClient;
    try {
      client = await ReconnectingClient.connect({
        open: webSocketDialer(`${scheme}${location.host}/ws`),
        clientName: `chat-web/${VERSION}`,
        nick,
        ...credentials,
        device: recall("chat-device") ?? undefined,
        // Kept by the browser, never the passkey: a reload comes back in by itself.
        onDevice: (device) => remember("chat-device", device),
        room: this.#room,
        onMessage: (message) => this.#receive(message),
        onStatus: (status) => this.#status(status),
      });
    } catch (error) {
      pages.setStatus("disconnected", "Disconnected");
      const code = error instanceof ChatError ? error.code : undefined;
      // A device signed out (a new passkey) or an invite that expired: the passkey it is. The
      // device is kept: given with the passkey, it proves this is the same person.
      pages.showLogin(error instanceof Error ? error.message : String(error), nick, {
        askPasskey: code === "bad_device" || code === "bad_invite" || code === "bad_link_code",
      });
      return;
    }
    this.#client = client;
    this.request({ type: "rooms", rid: AUTO_RID });
    const error = await client.finished;
    if (this.#client !== client) return;
    this.#client = undefined;
    clearTimeout(this.#countdown);
    pages.setStatus("disconnected", "Disconnected");
    pages.showLogin(error?.message ?? "You left the chat.", this.#nick, {
      askPasskey: error?.code === "bad_device",
    });
  }

  #receive(message: ServerMessage): void {
    const { list, people, pages, files } = this.#view;
    this.cursor.observe(message);
    switch (message.type) {
      case "welcome":
        this.#nick = message.nick;
        remember("chat-nick", message.nick);
        pages.showChat();
        pages.setStatus("connected", "Connected");
        if (!this.#welcomed) list.note(toDisplayEvent(message)!.text);
        this.#welcomed = true;
        files.loadPreviews();
        return;
      case "joined":
        return this.#joined(message);
      case "history_end":
        return list.endHistory(message, toDisplayEvent(message)!);
      case "message":
      case "action":
      case "private":
      case "notice":
      case "file":
        return this.#event(message);
      case "users":
        if (message.room === this.#room) people.setUsers(message.users);
        if (message.rid !== AUTO_RID) list.note(toDisplayEvent(message)!.text);
        return;
      case "room_list":
        people.setRooms(message.rooms);
        if (message.rid !== AUTO_RID) list.note(toDisplayEvent(message)!.text);
        return;
      case "nick_ok":
        people.renamed(this.#nick, message.nick);
        this.#nick = message.nick;
        remember("chat-nick", message.nick);
        list.note(toDisplayEvent(message)!.text);
        return;
      case "error":
        if (!TRANSFER_ERRORS.has(message.code)) list.complain(message.message);
        return;
      case "server_info":
      case "file_list":
        list.note(toDisplayEvent(message)!.text);
        return;
    }
  }

  #joined(message: Extract<ServerMessage, { type: "joined" }>): void {
    const { list, people, page } = this.#view;
    const changed = message.room !== this.#room || this.#firstJoin;
    this.#firstJoin = false;
    if (message.room !== this.#room) list.clear();
    this.#room = message.room;
    page.roomName.textContent = message.room;
    page.roomName.title = message.room;
    document.title = `${message.room} — chat`;
    page.input.placeholder = `Message ${message.room}`;
    people.setUsers(message.users);
    if (changed) {
      list.note(toDisplayEvent(message)!.text);
      list.enterRoom(message.room);
    } else {
      list.expectCatchUp();
    }
    this.request({ type: "rooms", rid: AUTO_RID });
  }

  #event(event: ChatEvent): void {
    const { list, people } = this.#view;
    if (event.type === "notice" && !event.history) {
      // This user's own coming and going, as a catch-up may bring it.
      if (event.from === this.#nick && event.event !== "nick") return;
      if (event.room === this.#room) {
        if (event.event === "join") people.arrived(event.from);
        if (event.event === "leave") people.left(event.from);
        if (event.event === "nick" && event.nick !== undefined) {
          people.renamed(event.from, event.nick);
        }
      }
    }
    list.showEvent(toDisplayEvent(event)!);
  }

  #status(status: ConnectionStatus): void {
    const { pages, list } = this.#view;
    clearTimeout(this.#countdown);
    if (status.state === "reconnected") {
      pages.setStatus("connected", "Connected");
      list.note("Reconnected.");
    } else if (status.state === "reconnecting") {
      this.#count(Date.now() + (status.delayMs ?? 0));
    }
  }

  /** Counts down to the next try, each second. */
  #count(until: number): void {
    const left = until - Date.now();
    if (left <= 0) return this.#view.pages.setStatus("reconnecting", "Reconnecting…");
    this.#view.pages.setStatus("reconnecting", `Reconnecting in ${Math.ceil(left / 1000)} s…`);
    // Wakes when the whole number of seconds shown changes.
    this.#countdown = setTimeout(() => this.#count(until), ((left - 1) % 1000) + 1);
  }
}
