/**
 * The message list: events in order, each shown once, earlier ones (history) set apart between
 * separators, pages asked for with `/history` put above what is shown, and the view kept on the
 * newest line while the reader is there.
 *
 * @module
 */
import type { DisplayEvent } from "../../src/client/display_event.ts";
import { el } from "../elements.ts";
import { renderEvent } from "./event_row.ts";

/** Lines kept; older ones are dropped from the top. */
const MAX_LINES = 3000;
/** Within this many pixels of the bottom, new lines keep the list scrolled down. */
const STICK_PX = 80;

/** Where history events go until their `history_end`. */
type HistoryTarget =
  /** After `joined`: below what is shown, under an "Earlier messages" line made on first use. */
  | { mode: "join"; separator?: HTMLElement }
  /** After `/history`: collected, then put above the oldest line shown. */
  | { mode: "prepend"; fragment: DocumentFragment };

/** What a list needs to know of its surroundings. */
export interface MessageListOptions {
  /** This user's nick, now. */
  self: () => string;
  /** Adds a shared file's controls (download link, preview) to its line. */
  decorateFile: (div: HTMLDivElement, event: DisplayEvent) => void;
}

/**
 * The `#messages` log.
 *
 * @example
 * ```ts ignore
 * const list = new MessageList(page.messages, { self: () => "ana", decorateFile: () => {} });
 * list.note("Connected.");
 * ```
 */
export class MessageList {
  readonly #element: HTMLElement;
  readonly #options: MessageListOptions;
  /** Ids of the events shown: a catch-up or a history page may bring one again. */
  readonly #shown = new Set<number>();
  #history: HistoryTarget | undefined;

  constructor(element: HTMLElement, options: MessageListOptions) {
    this.#element = element;
    this.#options = options;
  }

  /** Whether a `/history` page is on its way. */
  get pagingBack(): boolean {
    return this.#history?.mode === "prepend";
  }

  /** Empties the list (another room, another login). */
  clear(): void {
    this.#element.replaceChildren();
    this.#shown.clear();
    this.#history = undefined;
  }

  /** History events that follow go below, as on joining a room. */
  expectJoinHistory(): void {
    this.#history = { mode: "join" };
  }

  /** History events that follow are a `/history` page, to go above. */
  expectEarlierPage(): void {
    this.#history = { mode: "prepend", fragment: document.createDocumentFragment() };
  }

  /** Shows a room event or private message, unless it is shown already. */
  showEvent(event: DisplayEvent): void {
    if (event.id !== undefined) {
      if (this.#shown.has(event.id)) return;
      this.#shown.add(event.id);
    }
    const target = this.#history;
    if (event.history && target?.mode === "prepend") {
      target.fragment.append(this.#render(event));
      return;
    }
    if (event.history && target?.mode === "join" && target.separator === undefined) {
      target.separator = separator("Earlier messages", "start");
      this.#append(target.separator);
    }
    this.#append(this.#render(event));
  }

  /** Ends the history that was coming, as its `history_end` (shown as `display`) says. */
  endHistory(end: { count: number; more: boolean; gap?: true }, display: DisplayEvent): void {
    const target = this.#history;
    this.#history = undefined;
    if (end.gap) this.note(display.text);
    if (target?.mode === "prepend") {
      if (end.count === 0) return this.note("No earlier messages.");
      const list = this.#element;
      const top = list.querySelector(".separator.start");
      const anchor = top ?? list.querySelector(".event[data-id]:not([data-type=private])");
      if (top === null) target.fragment.append(separator("— end of history —", "end"));
      const items = [separator("Earlier messages", "start"), target.fragment];
      if (anchor === null) list.append(...items);
      else anchor.before(...items);
      top?.remove();
      return;
    }
    if (target?.separator !== undefined) {
      const text = end.more ? "— end of history (/history for more) —" : "— end of history —";
      this.#append(separator(text, "end"));
      this.scrollDown(true);
    }
  }

  /** A line of this client's own: a notice about the connection, a command's answer. */
  note(text: string): void {
    this.#append(renderEvent({ type: "system", text }, this.#options.self()));
  }

  /** A line that says something went wrong. */
  complain(text: string): void {
    this.#append(renderEvent({ type: "error", text }, this.#options.self()));
  }

  /** Whether the reader is at (or near) the newest line. */
  isNearBottom(): boolean {
    const list = this.#element;
    return list.scrollHeight - list.scrollTop - list.clientHeight < STICK_PX;
  }

  /** A line grew by `height` pixels (a picture loaded): the newest line stays in view if it was. */
  grew(height: number): void {
    const list = this.#element;
    this.scrollDown(list.scrollHeight - list.scrollTop - list.clientHeight - height < STICK_PX);
  }

  /** Scrolls to the newest line when `stick`. */
  scrollDown(stick: boolean): void {
    if (stick) this.#element.scrollTop = this.#element.scrollHeight;
  }

  #render(event: DisplayEvent): HTMLDivElement {
    const div = renderEvent(event, this.#options.self());
    if (event.type === "file") this.#options.decorateFile(div, event);
    return div;
  }

  #append(element: HTMLElement): void {
    const stick = this.isNearBottom();
    this.#element.append(element);
    while (this.#element.childElementCount > MAX_LINES) this.#element.firstElementChild!.remove();
    this.scrollDown(stick);
  }
}

function separator(text: string, kind: "start" | "end"): HTMLElement {
  return el("div", { className: `separator ${kind}`, attrs: { role: "separator" } }, text);
}
