/**
 * The message lists of the places the reader has open: the room's (`#messages`) and one per
 * private conversation, made when first opened and kept, so that a conversation survives going
 * to the room and back, and a room the reader returns to is where they left it. One is on screen
 * at a time. What arrives goes to its place's list: room events to the room's, private messages
 * and files to their conversation's (and, as they arrive, to the room's too while their
 * conversation is not on screen, so nothing private goes unseen).
 *
 * @module
 */
import { toDisplayEvent } from "../../src/client/display_event.ts";
import type { Place } from "../../src/client/unread_tracker.ts";
import type { ChatEvent, ClientMessage, ServerMessage } from "../../src/protocol/messages.ts";
import { nickKey } from "../../src/protocol/names.ts";
import { el } from "../elements.ts";
import type { MessageList } from "../list/message_list.ts";

/** What the lists need of the page. */
export interface PlaceViewsOptions {
  /** The room's list; it lives in `#messages`. */
  room: MessageList;
  /** Makes the list of a conversation in `element`. */
  newList(element: HTMLElement): MessageList;
  /** Sends a request; false while disconnected. */
  request(message: Exclude<ClientMessage, { type: "hello" | "send" | "private" }>): boolean;
  /** The room the connection is in. */
  currentRoom(): string;
  /** This user's nick, now. */
  self(): string;
  /** The place on screen changed. */
  changed(place: Place): void;
}

/**
 * The lists of the open places, and which is on screen.
 *
 * @example
 * ```ts ignore
 * const places = new PlaceViews(options);
 * places.open("ben");
 * places.showRoom();
 * ```
 */
export class PlaceViews {
  readonly room: MessageList;
  readonly #options: PlaceViewsOptions;
  /** Each conversation's list, by the other person's nick key. */
  readonly #talks = new Map<string, MessageList>();
  #conversation: string | undefined;

  constructor(options: PlaceViewsOptions) {
    this.#options = options;
    this.room = options.room;
  }

  /** The place on screen. */
  get onScreen(): Place {
    const talk = this.#conversation;
    return talk === undefined ? { room: this.#options.currentRoom() } : { with: talk };
  }

  /** The nick of the conversation on screen, or undefined while the room is. */
  get conversation(): string | undefined {
    return this.#conversation;
  }

  /** The list on screen. */
  get active(): MessageList {
    const talk = this.#conversation;
    return talk === undefined ? this.room : this.#talks.get(nickKey(talk))!;
  }

  /** Every list, the room's first. */
  get lists(): MessageList[] {
    return [this.room, ...this.#talks.values()];
  }

  /** The list of `place`, if it is open. */
  listOf(place: Place): MessageList | undefined {
    if ("with" in place) return this.#talks.get(nickKey(place.with));
    return place.room === this.#options.currentRoom() ? this.room : undefined;
  }

  /** The list `element` (a row, a picture in it) is in. */
  listHolding(element: Element): MessageList | undefined {
    return this.lists.find((list) => list.element.contains(element));
  }

  /** Puts the room's list on screen. */
  showRoom(): void {
    this.#switch(undefined, this.room);
  }

  /**
   * Puts the conversation with `nick` on screen, opening it (its newest page of history is asked
   * for) the first time.
   */
  open(nick: string): void {
    let list = this.#talks.get(nickKey(nick));
    if (list === undefined) {
      const element = el("div", {
        className: "messages",
        attrs: {
          role: "log",
          "aria-live": "polite",
          "aria-label": `Conversation with ${nick}`,
          tabindex: "0",
        },
        data: { with: nick },
      });
      element.hidden = true;
      const last = [...this.#talks.values()].at(-1) ?? this.room;
      last.element.after(element);
      list = this.#options.newList(element);
      list.enter({ with: nick });
      this.#talks.set(nickKey(nick), list);
      this.#options.request({ type: "history", with: nick });
    }
    this.#switch(list.place !== undefined && "with" in list.place ? list.place.with : nick, list);
  }

  /** Shows an event in the list of its place, as the module comment says. */
  showEvent(event: ChatEvent): void {
    const display = toDisplayEvent(event)!;
    const to = "to" in event ? event.to : undefined;
    if (to === undefined) return this.room.showEvent(display);
    const other = nickKey(event.from) === nickKey(this.#options.self()) ? to : event.from;
    const talk = this.#talks.get(nickKey(other));
    talk?.showEvent(display);
    // Pages of a conversation's history are for its list only.
    if (!event.history && (talk === undefined || talk.hidden)) this.room.showEvent(display);
  }

  /** Ends the page of history its `history_end` closes, in its place's list. */
  endHistory(message: Extract<ServerMessage, { type: "history_end" }>): void {
    const display = toDisplayEvent(message)!;
    const talk = message.with;
    if (talk === undefined) return this.room.endHistory(message, display);
    this.#talks.get(nickKey(talk))?.endHistory(message, display);
  }

  /** A new connection: pages the conversations asked for on the old one are asked again. */
  reconnected(): void {
    for (const [_, list] of this.#talks) {
      const place = list.place;
      if (list.lostPending() && place !== undefined && "with" in place) {
        this.#options.request({ type: "history", with: place.with });
      }
    }
  }

  /** Closes every conversation's list and empties the room's (another login). */
  reset(): void {
    for (const list of this.#talks.values()) list.element.remove();
    this.#talks.clear();
    this.#conversation = undefined;
    this.room.clear();
    this.room.show();
  }

  #switch(conversation: string | undefined, list: MessageList): void {
    for (const other of this.lists) if (other !== list) other.hide();
    this.#conversation = conversation;
    list.show();
    this.#options.changed(this.onScreen);
  }
}
