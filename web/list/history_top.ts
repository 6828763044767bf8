/**
 * The top of a room's history in the message list: a button that loads the page before what is
 * shown (scrolling near it presses it by itself), what is on its way, or that there is nothing
 * earlier. Earlier pages go right below it.
 *
 * @module
 */
import { el } from "../elements.ts";

/** Whether earlier messages exist (`more`), are being loaded, or do not exist (`done`). */
export type HistoryTopState = "more" | "loading" | "done";

/**
 * The line at the top of the history.
 *
 * @example
 * ```ts ignore
 * const top = new HistoryTop(() => list.loadEarlier({ quiet: true }));
 * page.messages.append(top.element);
 * top.state = "done";
 * ```
 */
export class HistoryTop {
  readonly element: HTMLElement = el("div", { className: "history-top" });
  readonly #button: HTMLButtonElement;
  #state: HistoryTopState = "loading";

  constructor(load: () => void) {
    this.#button = el("button", { attrs: { type: "button" } }, "Load earlier messages");
    this.#button.addEventListener("click", () => {
      if (this.#state === "more") load();
    });
    this.state = "loading";
  }

  get state(): HistoryTopState {
    return this.#state;
  }

  set state(state: HistoryTopState) {
    this.#state = state;
    this.element.dataset.state = state;
    if (state === "done") {
      this.element.replaceChildren("No earlier messages.");
      return;
    }
    // The button stays while a page loads, so a keyboard user's focus stays where it was.
    this.#button.textContent = state === "more" ? "Load earlier messages" : "Loading earlier…";
    this.#button.setAttribute("aria-disabled", String(state === "loading"));
    if (this.#button.parentNode !== this.element) this.element.replaceChildren(this.#button);
  }
}
