/**
 * The web page's side of the client core: one {@linkcode ReconnectingClient} per login over a
 * WebSocket to this page's server, its messages turned into display events (the terminal's) and
 * shown in the lists of their places (a room, a private conversation), and the connection's
 * state in the status line. Reconnecting, resuming, dropping duplicates, pacing and keepalive are
 * the core's; this file only shows them, and goes where the reader asks (a room, a conversation).
 *
 * @module
 */
import type { ChatClient } from "../src/client/chat_client.ts";
import { ChatError } from "../src/client/chat_error.ts";
import { toDisplayEvent } from "../src/client/display_event.ts";
import { HistoryCursor } from "../src/client/history_cursor.ts";
import { type ConnectionStatus, ReconnectingClient } from "../src/client/reconnecting_client.ts";
import { webSocketDialer } from "../src/client/websocket_dialer.ts";
import { failover } from "../src/client/failover.ts";
import type { ChatEvent, ClientMessage, ServerMessage } from "../src/protocol/messages.ts";
import { nickKey } from "../src/protocol/names.ts";
import { VERSION } from "../src/version.ts";
import type { PageElements } from "./elements.ts";
import type { FileRows } from "./file_row.ts";
import { sentence } from "../src/client/sentence.ts";
import type { MessageChanges } from "./changes/message_changes.ts";
import type { HostControls } from "./host/host_controls.ts";
import { isHostRid } from "./host/host_request.ts";
import type { RoomHeader } from "./host/room_header.ts";
import { askRoomPasskey } from "./host/room_passkey_prompt.ts";
import type { Following } from "./following/following.ts";
import { mentionBlock } from "./following/mention_block.ts";
import type { PlaceViews } from "./following/place_views.ts";
import type { Pages } from "./pages.ts";
import type { People } from "./people.ts";
import { forget, recall, remember } from "./storage.ts";
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
  places: PlaceViews;
  following: Following;
  people: People;
  files: FileRows;
  host: HostControls;
  header: RoomHeader;
  /** Replies, reactions, edits and deletes: every message goes through its book first. */
  changes: MessageChanges;
}

/** Notices of the host controls that change who is an operator. */
const ROLE_NOTICES = new Set(["op", "deop"]);

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
  /** The WebSocket addresses this page may reach the chat through: its own, then other nodes'. */
  #sockets: string[] = [];
  #room = "lobby";
  #welcomed = false;
  #firstJoin = true;
  /** A `welcome` was the last word on the connection: its `joined` starts a history or catch-up. */
  #hello = false;
  /** The conversation to open again once the login's counts are in, after a reload. */
  #reopen: string | undefined;
  #countdown: ReturnType<typeof setTimeout> | undefined;
  /** The room the reader last asked to join: a `room_locked` refusal is about it. */
  #joining: string | undefined;

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

  /** Takes the reader to `room`: joined, or put on screen if it is the room the page is in. */
  openRoom(room: string): void {
    if (room === this.#room) this.#view.places.showRoom();
    else if (this.request({ type: "join", room })) this.requested({ type: "join", room });
  }

  /** A request went out from a typed command: a `join` is remembered (see `room_locked`). */
  requested(message: ClientMessage): void {
    if (message.type === "join") this.#joining = message.room;
  }

  /** Takes the reader to their private conversation with `nick`, opening it if need be. */
  openConversation(nick: string): void {
    if (nickKey(nick) === nickKey(this.#nick)) {
      return this.#view.places.active.complain("That is you; a conversation is with someone else.");
    }
    this.#view.places.open(nick);
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
    const { places, page, pages, host, header } = this.#view;
    places.reset();
    host.setOperator(false);
    header.forgetSettings();
    page.outbox.replaceChildren();
    this.#nick = nick;
    this.#welcomed = false;
    this.#firstJoin = true;
    this.#reopen = recall("chat-open") ?? undefined;
    remember("chat-nick", nick);
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    // This page's server first; in a cluster, the nodes its welcome names too.
    this.#sockets = [`${scheme}${location.host}/ws`];
    let client: ReconnectingClient;
    try {
      client = await ReconnectingClient.connect({
        open: failover(this.#sockets, (url) => webSocketDialer(url)()),
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
    const { places, people, pages, files, following } = this.#view;
    const list = places.active;
    this.cursor.observe(message);
    following.observe(message);
    // Before the message is shown: its row is drawn from the book (changes/message_changes.ts).
    this.#view.changes.observe(message);
    switch (message.type) {
      case "welcome":
        for (const node of message.nodes ?? []) {
          const url = socketUrl(node.web);
          if (url !== undefined && !this.#sockets.includes(url)) this.#sockets.push(url);
        }
        this.#nick = message.nick;
        this.#hello = true;
        this.#view.host.setOperator(message.operator === true);
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
        return places.endHistory(message);
      case "message":
      case "action":
      case "private":
      case "notice":
      case "file":
        return this.#event(message);
      case "users":
        if (message.room === this.#room) {
          people.setUsers(message.users, message.away);
          if (message.ops !== undefined) people.setOps(message.ops);
        }
        if (message.rid !== AUTO_RID) list.note(toDisplayEvent(message)!.text);
        return;
      case "room_list":
        following.setRooms(message.rooms);
        if (message.rid !== AUTO_RID) list.note(toDisplayEvent(message)!.text);
        return;
      case "presence":
        if (message.room === this.#room) people.setAway(message.nick, message.away, message.text);
        if (nickKey(message.nick) === nickKey(this.#nick)) {
          list.note(
            message.away
              ? "You are away; others see it beside your nick. /back when you are."
              : "You are back.",
          );
        }
        return;
      case "mention_list":
        list.block(mentionBlock(message, (room) => this.openRoom(room)));
        return;
      case "unread_counts":
        return this.#counted(message);
      case "nick_ok":
        people.renamed(this.#nick, message.nick);
        this.#nick = message.nick;
        remember("chat-nick", message.nick);
        list.note(toDisplayEvent(message)!.text);
        return;
      case "error":
        return this.#error(message);
      case "done":
        // The page's own menus and dialogs show their answers themselves.
        if (!isHostRid(message.rid)) list.note(message.text);
        return;
      case "room_settings":
        this.#view.header.setSettings(message);
        if (!isHostRid(message.rid)) list.note(toDisplayEvent(message)?.text ?? describe(message));
        return;
      case "ban_list":
      case "audit_list":
      case "device_list": {
        const shown = toDisplayEvent(message);
        if (shown !== undefined) list.note(shown.text);
        return;
      }
      case "server_info":
      case "file_list":
        list.note(toDisplayEvent(message)!.text);
        return;
    }
  }

  #joined(message: Extract<ServerMessage, { type: "joined" }>): void {
    const { places, people, header, host } = this.#view;
    const list = places.room;
    const changed = message.room !== this.#room || this.#firstJoin;
    const afterHello = this.#hello;
    this.#hello = false;
    this.#firstJoin = false;
    if (message.room !== this.#room) list.clear();
    this.#room = message.room;
    people.setUsers(message.users, message.away);
    people.setOps(message.ops ?? []);
    header.setTopic(message.room, message.topic);
    if (message.room === this.#joining) this.#joining = undefined;
    if (changed) host.readSettings(message.room);
    if (changed) {
      list.note(toDisplayEvent(message)!.text);
      list.enter({ room: message.room });
      // Going to a room shows it; a login comes back to the conversation it was in.
      if (!afterHello || places.conversation === undefined) places.showRoom();
    } else if (afterHello) {
      // Back on a new connection: what was missed follows, and pages lost with the old one are
      // asked for again.
      list.expectCatchUp();
      places.reconnected();
    } else {
      // The reader asked for the room they are in.
      places.showRoom();
    }
    this.request({ type: "rooms", rid: AUTO_RID });
  }

  /** The login's counts are in: where the reader left off in the room, and their conversation. */
  #counted(message: Extract<ServerMessage, { type: "unread_counts" }>): void {
    const { places } = this.#view;
    const here = message.places.find((place) => place.room === this.#room);
    if (here !== undefined) places.room.readMarkKnown(here.read_id);
    const reopen = this.#reopen;
    this.#reopen = undefined;
    if (reopen !== undefined && places.conversation === undefined) this.openConversation(reopen);
  }

  /** Shows the place on screen in the top bar and the message box, and remembers it. */
  placeChanged(): void {
    const { page, places } = this.#view;
    const talk = places.conversation;
    const name = talk ?? this.#room;
    page.roomName.textContent = name;
    page.roomName.title = talk === undefined ? name : `Private conversation with ${talk}`;
    page.roomName.dataset.place = talk === undefined ? "room" : "conversation";
    this.#view.header.show(talk === undefined ? this.#room : undefined);
    page.input.placeholder = talk === undefined ? `Message ${name}` : `Message ${talk} privately`;
    if (talk === undefined) forget("chat-open");
    else remember("chat-open", talk);
  }

  #event(event: ChatEvent): void {
    const { places, people } = this.#view;
    if (event.type === "notice" && !event.history) {
      // This user's own coming and going, as a catch-up may bring it.
      const own = nickKey(event.from) === nickKey(this.#nick);
      if (own && (event.event === "join" || event.event === "leave")) return;
      this.#hostNotice(event);
      if (event.room === this.#room) {
        if (event.event === "join") people.arrived(event.from);
        if (event.event === "leave") people.left(event.from);
        if (event.event === "nick" && event.nick !== undefined) {
          people.renamed(event.from, event.nick);
        }
      }
    }
    places.showEvent(event);
  }

  /** What a notice of the host controls changes on the page: roles, the member list, topics. */
  #hostNotice(notice: Extract<ChatEvent, { type: "notice" }>): void {
    const { people, host, header } = this.#view;
    if (ROLE_NOTICES.has(notice.event)) {
      const op = notice.event === "op";
      if (notice.room === this.#room) people.setOp(notice.from, op);
      if (nickKey(notice.from) === nickKey(this.#nick)) host.setOperator(op);
    }
    if (notice.event === "kick" || notice.event === "ban") {
      // Their connections are closed: they are not here any more.
      if (notice.room === this.#room) people.left(notice.from);
    }
    if (notice.event === "topic") header.setTopic(notice.room, notice.topic);
    if (notice.event === "room") host.readSettings(notice.room);
  }

  /**
   * Shows an error in one sentence where it belongs: a transfer's with its file, a menu's or a
   * dialog's in it; a room's own passkey is asked for.
   */
  #error(message: Extract<ServerMessage, { type: "error" }>): void {
    const { places } = this.#view;
    if (TRANSFER_ERRORS.has(message.code) || isHostRid(message.rid)) return;
    const room = this.#joining;
    if (message.code === "room_locked" && room !== undefined && !message.fatal) {
      this.#joining = undefined;
      askRoomPasskey(room, message.message, {
        live: () => this.live,
        remember: (joined, passkey) => this.#client?.rememberRoomPasskey(joined, passkey),
        returnFocus: () => this.#view.page.input,
      });
      return;
    }
    if (message.code === "room_closed" || message.code === "room_locked") this.#joining = undefined;
    const wait = message.retry_after_ms;
    places.active.complain(
      message.code === "slow_mode" && wait !== undefined
        ? `${sentence(message.message)} You can post again in ${Math.ceil(wait / 1000)} s.`
        : message.message,
    );
  }

  #status(status: ConnectionStatus): void {
    const { pages, places, following } = this.#view;
    clearTimeout(this.#countdown);
    if (status.state === "reconnected") {
      pages.setStatus("connected", "Connected");
      places.active.note("Reconnected.");
      following.presence.reconnected();
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

/** A room's settings in one sentence, for a `/room` answer the client core does not word. */
function describe(settings: Extract<ServerMessage, { type: "room_settings" }>): string {
  const parts = [
    settings.announce ? "announcements only" : "anyone posts",
    settings.locked ? "a passkey of its own" : "no passkey of its own",
    settings.slow_s > 0 ? `slow mode ${settings.slow_s} s` : "no slow mode",
    settings.files ? "files allowed" : "no files",
    settings.closed ? "closed" : "open",
  ];
  return `Room ${settings.room}: ${parts.join(", ")}.`;
}

/**
 * The WebSocket address of a cluster node's web client (`welcome.nodes[].web`), with the scheme
 * that matches this page's (a secure page may not open a plain socket); undefined without one.
 */
export function socketUrl(web: string | undefined): string | undefined {
  if (web === undefined) return undefined;
  try {
    const url = new URL(web);
    const secure = url.protocol === "https:";
    if (secure !== (location.protocol === "https:")) return undefined;
    return `${secure ? "wss" : "ws"}://${url.host}/ws`;
  } catch {
    return undefined;
  }
}
