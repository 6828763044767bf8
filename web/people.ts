/**
 * The sidebar's people: who is in this room, operators and those who are away marked so (with
 * their reason as a tooltip); click one to talk with them privately. On an operator's page each
 * person also has the host controls' menu (web/host/host_controls.ts). The sidebar folds behind a button on a
 * narrow screen.
 *
 * @module
 */
import { nickKey } from "../src/protocol/names.ts";
import { el, type PageElements } from "./elements.ts";

/** What the people list asks of the rest of the page. */
export interface PeopleActions {
  /** This user's nick, now. */
  self(): string;
  /** Opens the private conversation with `nick`. */
  talkTo(nick: string): void;
  /** What else a person's row holds (an operator's menu on them); `isOp`: they are one. */
  controls(nick: string, isOp: boolean): Node[];
}

/**
 * The people list, and the sidebar's folding.
 *
 * @example
 * ```ts ignore
 * const people = new People(page, actions);
 * people.setUsers(["ana", "ben"], ["ben"]);
 * ```
 */
export class People {
  readonly #page: PageElements;
  readonly #actions: PeopleActions;
  #users: string[] = [];
  /** Those away, by nick key, with the reason they gave (`""` for none). */
  readonly #away = new Map<string, string>();
  /** The operators among them, by nick key. */
  readonly #ops = new Set<string>();

  constructor(page: PageElements, actions: PeopleActions) {
    this.#page = page;
    this.#actions = actions;
    page.users.addEventListener("click", (event) => {
      if (closest(event, "button.person") === undefined) return;
      const nick = closest(event, "li[data-nick]")?.dataset.nick;
      if (nick === undefined || nick === actions.self()) return;
      actions.talkTo(nick);
      this.setSidebar(false);
    });
    // A place chosen in the sidebar is on screen: on a phone, the sidebar gets out of the way.
    for (const list of [page.rooms, page.conversations]) {
      list.addEventListener("click", (event) => {
        if (closest(event, "button") !== undefined) this.setSidebar(false);
      });
    }
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

  /** The people in this room, sorted as people read them; `away` are those who are away. */
  setUsers(users: readonly string[], away?: readonly string[]): void {
    if (away !== undefined) {
      this.#away.clear();
      for (const nick of away) this.#away.set(nickKey(nick), "");
    }
    this.#users = [...new Set(users)].sort((a, b) =>
      a.localeCompare(b, undefined, { sensitivity: "base" })
    );
    this.#draw();
  }

  /** Who of the room are operators (`joined.ops`, `users.ops`). */
  setOps(ops: readonly string[]): void {
    this.#ops.clear();
    for (const nick of ops) this.#ops.add(nickKey(nick));
    this.#draw();
  }

  /** Someone was made an operator, or is no longer one. */
  setOp(nick: string, op: boolean): void {
    if (op) this.#ops.add(nickKey(nick));
    else this.#ops.delete(nickKey(nick));
    this.#draw();
  }

  /** Whether `nick` is an operator, as far as this page knows. */
  isOp(nick: string): boolean {
    return this.#ops.has(nickKey(nick));
  }

  /** Draws the list again, as it is (the host controls came or went). */
  redraw(): void {
    this.#draw();
  }

  /** Someone went away (with a reason, perhaps) or came back. */
  setAway(nick: string, away: boolean, text?: string): void {
    if (away) this.#away.set(nickKey(nick), text ?? "");
    else this.#away.delete(nickKey(nick));
    this.#draw();
  }

  /** Someone came in. */
  arrived(nick: string): void {
    this.setUsers([...this.#users.filter((user) => user !== nick), nick]);
  }

  /** Someone left. */
  left(nick: string): void {
    this.#away.delete(nickKey(nick));
    this.setUsers(this.#users.filter((user) => user !== nick));
  }

  /** Someone is known by another nick now. */
  renamed(from: string, to: string): void {
    if (this.#ops.delete(nickKey(from))) this.#ops.add(nickKey(to));
    const away = this.#away.get(nickKey(from));
    if (away !== undefined) {
      this.#away.delete(nickKey(from));
      this.#away.set(nickKey(to), away);
    }
    this.setUsers(this.#users.map((user) => user === from ? to : user));
  }

  /** Opens or folds the sidebar (on a narrow screen). */
  setSidebar(open: boolean): void {
    this.#page.chatPage.classList.toggle("sidebar-open", open);
    this.#page.sidebarToggle.setAttribute("aria-expanded", String(open));
  }

  #draw(): void {
    const self = this.#actions.self();
    this.#page.users.replaceChildren(...this.#users.map((nick) => {
      const away = this.#away.get(nickKey(nick));
      const op = this.#ops.has(nickKey(nick));
      const title = nick === self ? "You" : `Talk privately with ${nick}`;
      const data: Record<string, string> = { nick };
      if (away !== undefined) data.away = "true";
      if (op) data.op = "true";
      return el(
        "li",
        { data },
        el(
          "button",
          {
            className: "person",
            attrs: { type: "button", title: away ? `${title} (away: ${away})` : title },
          },
          nick,
          // Seen as a short mark, heard as the word.
          ...(op
            ? [
              el(
                "span",
                { className: "op", attrs: { title: "Operator" } },
                el("span", { attrs: { "aria-hidden": "true" } }, "op"),
                el("span", { className: "visually-hidden" }, " (operator)"),
              ),
            ]
            : []),
          ...(nick === self ? [el("span", { className: "you" }, " (you)")] : []),
          ...(away === undefined ? [] : [el("span", { className: "away" }, " (away)")]),
        ),
        ...this.#actions.controls(nick, op),
      );
    }));
  }
}

function closest(event: Event, selector: string): HTMLElement | undefined {
  const target = event.target;
  if (!(target instanceof Element)) return undefined;
  return target.closest<HTMLElement>(selector) ?? undefined;
}
