/**
 * The sidebar: the rooms with their member counts (click one to go there) and the people in
 * this room (click one to write them a private message), folded behind a button on a narrow
 * screen.
 *
 * @module
 */
import { el, type PageElements } from "./elements.ts";

/** What the sidebar asks of the rest of the page. */
export interface PeopleActions {
  /** This user's nick, now. */
  self(): string;
  /** The room this user is in, now. */
  room(): string;
  joinRoom(room: string): void;
  writeTo(nick: string): void;
}

/**
 * The rooms and people lists.
 *
 * @example
 * ```ts ignore
 * const people = new People(page, actions);
 * people.setUsers(["ana", "ben"]);
 * ```
 */
export class People {
  readonly #page: PageElements;
  readonly #actions: PeopleActions;
  #users: string[] = [];

  constructor(page: PageElements, actions: PeopleActions) {
    this.#page = page;
    this.#actions = actions;
    page.rooms.addEventListener("click", (event) => {
      const room = closest(event, "li[data-room]")?.dataset.room;
      if (room !== undefined && room !== actions.room()) actions.joinRoom(room);
      this.setSidebar(false);
    });
    page.users.addEventListener("click", (event) => {
      const nick = closest(event, "li[data-nick]")?.dataset.nick;
      if (nick === undefined || nick === actions.self()) return;
      actions.writeTo(nick);
      this.setSidebar(false);
    });
    page.sidebarToggle.addEventListener("click", () => {
      this.setSidebar(page.sidebarToggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && page.chatPage.classList.contains("sidebar-open")) {
        this.setSidebar(false);
        page.sidebarToggle.focus();
      }
    });
  }

  /** The people in this room, sorted as people read them. */
  setUsers(users: readonly string[]): void {
    const self = this.#actions.self();
    this.#users = [...new Set(users)].sort((a, b) =>
      a.localeCompare(b, undefined, { sensitivity: "base" })
    );
    this.#page.users.replaceChildren(...this.#users.map((nick) =>
      el(
        "li",
        { data: { nick } },
        el(
          "button",
          {
            attrs: {
              type: "button",
              title: nick === self ? "You" : `Send ${nick} a private message`,
            },
          },
          nick,
          ...(nick === self ? [el("span", { className: "you" }, " (you)")] : []),
        ),
      )
    ));
  }

  /** Someone came in. */
  arrived(nick: string): void {
    this.setUsers([...this.#users.filter((user) => user !== nick), nick]);
  }

  /** Someone left. */
  left(nick: string): void {
    this.setUsers(this.#users.filter((user) => user !== nick));
  }

  /** Someone is known by another nick now. */
  renamed(from: string, to: string): void {
    this.setUsers(this.#users.map((user) => user === from ? to : user));
  }

  /** The rooms of the server, with how many are in each. */
  setRooms(rooms: readonly { name: string; users: number }[]): void {
    const current = this.#actions.room();
    this.#page.rooms.replaceChildren(...rooms.map(({ name, users }) =>
      el(
        "li",
        { data: { room: name }, attrs: name === current ? { "aria-current": "true" } : {} },
        el(
          "button",
          { attrs: { type: "button" } },
          el("span", {}, name),
          el("span", { className: "count", attrs: { title: `${users} here` } }, String(users)),
        ),
      )
    ));
  }

  /** Opens or folds the sidebar (on a narrow screen). */
  setSidebar(open: boolean): void {
    this.#page.chatPage.classList.toggle("sidebar-open", open);
    this.#page.sidebarToggle.setAttribute("aria-expanded", String(open));
  }
}

function closest(event: Event, selector: string): HTMLElement | undefined {
  const target = event.target;
  if (!(target instanceof Element)) return undefined;
  return target.closest<HTMLElement>(selector) ?? undefined;
}
