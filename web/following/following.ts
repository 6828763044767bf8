/**
 * Following every place: the client core's unread tracker fed with everything the server sends,
 * and what the page makes of it: the sidebar's counts, the tab's title and icon, the server's
 * read markers behind the lists' "New messages" lines, `read` sent as the reader reads (throttled,
 * read_sender.ts), alerts for what is for the reader where they are not looking, who is typing,
 * and the reader's own presence.
 *
 * @module
 */
import { type Place, placeKey, UnreadTracker } from "../../src/client/unread_tracker.ts";
import { mentions } from "../../src/protocol/mentions.ts";
import type { ClientMessage, ServerMessage } from "../../src/protocol/messages.ts";
import { nickKey } from "../../src/protocol/names.ts";
import type { PageElements } from "../elements.ts";
import type { ReadMarks } from "../list/read_marks.ts";
import { Alerts } from "./alerts.ts";
import { Presence } from "./presence.ts";
import { ReadSender } from "./read_sender.ts";
import { Sidebar } from "./sidebar.ts";
import { TabSignals } from "./tab_signals.ts";
import { TypingLine } from "./typing_line.ts";

/** The `rid` of the page's own `unread` requests. */
export const COUNTS_RID = "auto-unread";

/** A request the page may send while connected. */
type Request = Exclude<ClientMessage, { type: "hello" | "send" | "private" }>;

/** What following needs of the page. */
export interface FollowingOptions {
  page: PageElements;
  /** Sends a request; false while disconnected. */
  request(message: Request): boolean;
  /** Whether a request sent now would reach the server. */
  connected(): boolean;
  /** This user's nick, now. */
  self(): string;
  /** The place on screen. */
  onScreen(): Place;
  openRoom(room: string): void;
  openConversation(nick: string): void;
}

/**
 * The page's following of rooms and conversations.
 *
 * @example
 * ```ts ignore
 * const following = new Following(options);
 * client.onMessage = (message) => following.observe(message);
 * ```
 */
export class Following {
  readonly tracker: UnreadTracker = new UnreadTracker();
  /** The lists' read marks: the server's markers, as the tracker knows them. */
  readonly readMarks: ReadMarks;
  readonly presence: Presence;
  readonly #options: FollowingOptions;
  readonly #sender: ReadSender;
  readonly #sidebar: Sidebar;
  readonly #alerts: Alerts;
  readonly #typing: TypingLine;
  readonly #tab = new TabSignals();
  /** The place the lists last said the reader is on, and whether they see its end. */
  #viewing: { key: string; seen: boolean } | undefined;
  #countsAsked = false;
  #drawing = false;
  /** Members of the room the connection is in. */
  #members: number | undefined;

  constructor(options: FollowingOptions) {
    this.#options = options;
    const { page, request } = options;
    this.#sender = new ReadSender(this.tracker, {
      send: (message) => request(message),
      connected: options.connected,
    });
    this.readMarks = {
      lastRead: (place) => this.tracker.get(place)?.readId,
      seeing: (place, seen) => this.#seeing(place, seen),
    };
    this.#sidebar = new Sidebar(page, options);
    this.#alerts = new Alerts(page, {
      open: (place) =>
        "room" in place ? options.openRoom(place.room) : options.openConversation(place.with),
      room: () => {
        const place = options.onScreen();
        return "room" in place ? place.room : undefined;
      },
    });
    this.#typing = new TypingLine(page.typing, (message) => request(message));
    this.presence = new Presence((message) => request(message));
    this.tracker.subscribe(() => this.#redraw());
    // What was read is told before the reader goes: the page hidden, or closed.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.#sender.flush();
    });
    addEventListener("pagehide", () => this.#sender.flush());
  }

  /** Takes in one server message. */
  observe(message: ServerMessage): void {
    this.#alert(message);
    this.tracker.observe(message);
    this.#typing.observe(message);
    // One's own private message (`/msg`, from a room) starts a conversation in the sidebar.
    if (
      (message.type === "private" || message.type === "file") && message.to !== undefined &&
      !message.history && nickKey(message.from) === nickKey(this.#options.self())
    ) {
      this.tracker.add({ with: message.to });
    }
    if (message.type === "unread_counts") this.#countsAsked = false;
    if (message.type === "joined") this.#members = message.count;
    if (message.type === "users") this.#members = message.users.length;
    // Another device read part of what the server had counted: only it can say what is left.
    if (this.tracker.wantsCounts && !this.#countsAsked) {
      this.#countsAsked = this.#options.request({ type: "unread", rid: COUNTS_RID });
    }
  }

  /** The place on screen changed. */
  placeChanged(place: Place): void {
    this.#sender.flush();
    // A conversation opened before anything was said in it is in the sidebar all the same.
    if ("with" in place) this.tracker.add(place);
    this.#typing.show(place);
    this.#alerts.placeChanged();
    this.#redraw();
  }

  /** The server's rooms and their member counts, for the sidebar. */
  setRooms(rooms: readonly { name: string; users: number }[]): void {
    this.#sidebar.setRooms(rooms);
  }

  /** The reader typed `text` into the message box. */
  typed(text: string): void {
    const place = this.#options.onScreen();
    this.#typing.typed(text, "room" in place ? this.#members : undefined);
  }

  #seeing(place: Place, seen: boolean): void {
    const key = placeKey(place);
    if (this.#viewing?.key !== key || this.#viewing.seen !== seen) {
      this.#viewing = { key, seen };
      this.tracker.view(place, seen);
    }
    if (seen) this.#sender.seen(place);
  }

  /** Alerts for what arrives for the reader where they are not looking; replays never. */
  #alert(message: ServerMessage): void {
    const self = this.#options.self();
    let place: Place;
    let text: string | undefined;
    let mention = false;
    switch (message.type) {
      case "activity":
        place = { room: message.room };
        mention = message.mention === true;
        break;
      case "message":
      case "action":
      case "file":
      case "private": {
        if (message.history) return;
        const to = "to" in message ? message.to : undefined;
        place = to === undefined ? { room: message.room } : { with: message.from };
        text = message.type === "file" ? message.file.name : message.text;
        mention = message.type !== "file" && mentions(message.text, self);
        break;
      }
      default:
        return;
    }
    if (nickKey(message.from) === nickKey(self)) return;
    const viewing = this.#viewing;
    if (viewing?.seen && viewing.key === placeKey(place)) return;
    this.#alerts.arrived({ place, from: message.from, text, mention });
  }

  /** Draws the counts once for any number of changes in one turn of the event loop. */
  #redraw(): void {
    if (this.#drawing) return;
    this.#drawing = true;
    queueMicrotask(() => {
      this.#drawing = false;
      const place = this.#options.onScreen();
      this.#sidebar.render(this.tracker.places, place);
      const where = "room" in place ? place.room : `${place.with} (private)`;
      this.#tab.show(where, this.tracker.totals);
    });
  }
}
