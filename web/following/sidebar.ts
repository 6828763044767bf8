/**
 * The places in the sidebar: the rooms (those the person follows, and the others on the server)
 * and the private conversations, each a button that says what waits there: "lobby, 3 unread,
 * 1 mention" to a screen reader, badges to the eye. Rooms open with a click (joined, or shown
 * if it is the room the page is in), conversations too.
 *
 * The button's name comes from its content, not an `aria-label` (which axe rightly refuses when
 * the visible text, "lobby 3 @1", is not part of it): a visually hidden span says it all in words,
 * while what the eye reads, the name and the badges, is hidden from assistive technology. The
 * name starts with the visible label, as speech input needs ("click lobby"), and says the counts
 * once. One span, since an element taken out of the flow to hide it counts as a block, and a
 * browser puts a space before it ("lobby , 3 unread").
 *
 * Buttons are kept and updated in place, not rebuilt, so a keyboard user's focus stays on the
 * button they are on while counts change around it.
 *
 * @module
 */
import { type Place, type PlaceState, samePlace } from "../../src/client/unread_tracker.ts";
import { el, type PageElements } from "../elements.ts";
import { badgeCount, placeLabel } from "./place_label.ts";

/** What a click in the sidebar asks of the page. */
export interface SidebarActions {
  openRoom(room: string): void;
  openConversation(nick: string): void;
}

/** One row of a list: its key, its place, its name and what waits. */
interface Row {
  key: string;
  place: Place;
  name: string;
  unread: number;
  mentions: number;
  /** For a room: how many are in it, as the server last said. */
  members?: number;
}

/**
 * The Rooms and Conversations lists.
 *
 * @example
 * ```ts ignore
 * const sidebar = new Sidebar(page, { openRoom, openConversation });
 * sidebar.render(tracker.places, { room: "lobby" });
 * ```
 */
export class Sidebar {
  readonly #page: PageElements;
  /** The server's rooms and their member counts (`room_list`). */
  #rooms: readonly { name: string; users: number }[] = [];
  #states: readonly PlaceState[] = [];
  #onScreen: Place | undefined;

  constructor(page: PageElements, actions: SidebarActions) {
    this.#page = page;
    page.rooms.addEventListener("click", (event) => {
      const room = closest(event, "li[data-room]")?.dataset.room;
      if (room !== undefined) actions.openRoom(room);
    });
    page.conversations.addEventListener("click", (event) => {
      const nick = closest(event, "li[data-with]")?.dataset.with;
      if (nick !== undefined) actions.openConversation(nick);
    });
  }

  /** The rooms of the server, with how many are in each. */
  setRooms(rooms: readonly { name: string; users: number }[]): void {
    this.#rooms = rooms;
    this.#draw();
  }

  /** Shows every place the tracker knows, and which is on screen. */
  render(states: readonly PlaceState[], onScreen: Place): void {
    this.#states = states;
    this.#onScreen = onScreen;
    this.#draw();
  }

  #draw(): void {
    const rooms = new Map<string, Row>();
    for (const { name, users } of this.#rooms) {
      const place = { room: name };
      rooms.set(name, { key: name, place, name, unread: 0, mentions: 0, members: users });
    }
    const talks: Row[] = [];
    for (const { place, unread, mentions } of this.#states) {
      if ("room" in place) {
        const { room } = place;
        const members = rooms.get(room)?.members;
        rooms.set(room, { key: room, place, name: room, unread, mentions, members });
      } else {
        // Every private message is for you: its unread count is the one that calls.
        talks.push({ key: place.with, place, name: place.with, unread, mentions: 0 });
      }
    }
    const sorted = [...rooms.values()].sort((a, b) => a.name < b.name ? -1 : 1);
    update(this.#page.rooms, "room", sorted, this.#onScreen);
    update(this.#page.conversations, "with", talks, this.#onScreen);
    this.#page.conversationsNav.hidden = talks.length === 0;
  }
}

/** Brings the list's items in line with `rows`, reusing the item of each key. */
function update(
  list: HTMLUListElement,
  kind: "room" | "with",
  rows: readonly Row[],
  onScreen: Place | undefined,
): void {
  const existing = new Map<string, HTMLLIElement>();
  for (const item of list.querySelectorAll<HTMLLIElement>(":scope > li")) {
    existing.set(item.dataset[kind] ?? "", item);
  }
  const items = rows.map((row) => {
    const item = existing.get(row.key) ?? newItem(kind, row.key);
    existing.delete(row.key);
    fill(item, row, samePlace(row.place, onScreen));
    return item;
  });
  for (const gone of existing.values()) gone.remove();
  // Moved only when the order changed: moving an element takes the focus off it.
  const same = items.length === list.children.length &&
    items.every((item, index) => list.children[index] === item);
  if (!same) list.replaceChildren(...items);
}

function newItem(kind: "room" | "with", key: string): HTMLLIElement {
  return el(
    "li",
    { data: { [kind]: key } },
    el(
      "button",
      { attrs: { type: "button" } },
      el("span", { className: "visually-hidden" }),
      el("span", { className: "name", attrs: { "aria-hidden": "true" } }, key),
      el("span", { className: "badge unread", attrs: { "aria-hidden": "true" } }),
      el("span", { className: "badge mentions", attrs: { "aria-hidden": "true" } }),
    ),
  );
}

/** Writes a row's name, badges, accessible name and whether it is on screen into its item. */
function fill(item: HTMLLIElement, row: Row, current: boolean): void {
  const button = item.querySelector("button")!;
  button.querySelector(".visually-hidden")!.textContent = placeLabel(row.name, row);
  if (row.members !== undefined) {
    button.title = `${row.members} ${row.members === 1 ? "person" : "people"} here`;
  } else button.removeAttribute("title");
  if (current) item.setAttribute("aria-current", "true");
  else item.removeAttribute("aria-current");
  const unread = item.querySelector<HTMLElement>(".unread")!;
  unread.textContent = badgeCount(row.unread);
  unread.hidden = row.unread === 0;
  // A conversation's unread messages are all for you: their badge says so by its colour.
  unread.classList.toggle("attention", "with" in row.place);
  const mentions = item.querySelector<HTMLElement>(".mentions")!;
  mentions.textContent = `@${badgeCount(row.mentions)}`;
  mentions.hidden = row.mentions === 0;
}

function closest(event: Event, selector: string): HTMLElement | undefined {
  const target = event.target;
  if (!(target instanceof Element)) return undefined;
  return target.closest<HTMLElement>(selector) ?? undefined;
}
