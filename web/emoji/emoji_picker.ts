/**
 * The emoji picker: a button beside the message box opens a small dialog with a search field
 * and a grid of emoji, grouped as the table groups them. Every emoji is a button named by its
 * shortcode (`aria-label`); the grid is one tab stop whose arrows move between emoji (a roving
 * `tabindex`), so Tab goes from the search field to the grid and out. Choosing puts the emoji
 * at the cursor of the message box; Escape, the button again or a click elsewhere closes the
 * dialog, and the focus goes back where it came from.
 *
 * The grid is built when the picker first opens, not with the page.
 *
 * @module
 */
import type { EmojiEntry } from "../../src/client/emoji/emoji_table.ts";
import { type EmojiModule, loadEmoji } from "./load_emoji.ts";
import { el } from "../elements.ts";
import { insertText } from "./insert_text.ts";

/** Emoji in a row of the grid; the style sheet lays them out so (`.emoji-grid`). */
const COLUMNS = 8;
/** The most emoji a search shows. */
const MAX_FOUND = 160;

/**
 * The picker of a message box, its button put before `before`.
 *
 * @example
 * ```ts ignore
 * new EmojiPicker(page.input, { before: page.uploadButton });
 * ```
 */
export class EmojiPicker {
  /** The emoji table, once loaded. */
  #emoji: EmojiModule | undefined;
  readonly #input: HTMLTextAreaElement;
  readonly #button: HTMLButtonElement;
  readonly #dialog: HTMLDivElement;
  readonly #search: HTMLInputElement;
  readonly #grid: HTMLDivElement;
  /** While {@linkcode pick} waits: where the chosen emoji goes instead of the message box. */
  #picking: { resolve(emoji: string | undefined): void; anchor: HTMLElement } | undefined;

  constructor(input: HTMLTextAreaElement, place: { before: Element }) {
    this.#input = input;
    this.#button = el("button", {
      className: "emoji-button",
      attrs: {
        type: "button",
        "aria-label": "Emoji",
        title: "Emoji",
        "aria-haspopup": "dialog",
        "aria-expanded": "false",
        "aria-controls": "emoji-picker",
      },
    }, "😀");
    this.#search = el("input", {
      attrs: { type: "search", "aria-label": "Search emoji", placeholder: "Search emoji" },
    });
    this.#grid = el("div", { className: "emoji-grid", attrs: { role: "group" } });
    this.#dialog = el(
      "div",
      {
        className: "emoji-picker",
        attrs: { id: "emoji-picker", role: "dialog", "aria-label": "Emoji picker" },
      },
      this.#search,
      this.#grid,
    );
    this.#dialog.hidden = true;
    place.before.before(this.#button);
    this.#button.after(this.#dialog);
    this.#button.addEventListener("click", () => this.#dialog.hidden ? this.open() : this.close());
    this.#search.addEventListener("input", () => this.#fill());
    this.#dialog.addEventListener("keydown", (event) => this.#key(event));
    this.#grid.addEventListener("click", (event) => {
      const button = (event.target as Element).closest("button");
      if (button !== null) this.#choose(button.textContent ?? "");
    });
    document.addEventListener("pointerdown", (event) => {
      const target = event.target as Node;
      if (!this.#dialog.hidden && !this.#dialog.contains(target) && target !== this.#button) {
        this.close(false);
      }
    });
  }

  /** Opens the dialog with the search field focused. */
  open(): void {
    this.#search.value = "";
    this.#fill();
    this.#dialog.hidden = false;
    this.#button.setAttribute("aria-expanded", "true");
    this.#search.focus();
  }

  /**
   * Opens the dialog to choose an emoji for something else than the message box (a reaction):
   * resolves with it, or with `undefined` when the dialog closes without one; the focus then
   * goes back to `anchor`.
   */
  pick(anchor: HTMLElement): Promise<string | undefined> {
    this.#picking?.resolve(undefined);
    const { promise, resolve } = Promise.withResolvers<string | undefined>();
    this.#picking = { resolve, anchor };
    this.open();
    return promise;
  }

  /** Closes the dialog; the focus goes back to the button unless `refocus` is false. */
  close(refocus = true): void {
    this.#dialog.hidden = true;
    this.#button.setAttribute("aria-expanded", "false");
    const picking = this.#picking;
    this.#picking = undefined;
    if (picking !== undefined) {
      picking.resolve(undefined);
      if (refocus) picking.anchor.focus();
      return;
    }
    if (refocus) this.#button.focus();
  }

  #fill(): void {
    const emoji = this.#emoji;
    if (emoji === undefined) {
      // The table comes with the picker's first opening.
      loadEmoji().then((loaded) => {
        this.#emoji = loaded;
        if (!this.#dialog.hidden) this.#fill();
      }, () => {});
      return;
    }
    const query = this.#search.value.trim();
    const found = query === ""
      ? emoji.searchEmoji("")
      : emoji.searchEmoji(query, { limit: MAX_FOUND });
    const buttons = found.map((entry, index) => emojiButton(entry, index === 0));
    if (query !== "") return this.#grid.replaceChildren(...buttons);
    // Unsearched: every emoji, under its group's heading.
    const nodes: Node[] = [];
    let group = "";
    found.forEach((entry, index) => {
      if (entry.group !== group) {
        group = entry.group;
        nodes.push(el("p", { className: "emoji-group" }, group));
      }
      nodes.push(buttons[index]);
    });
    this.#grid.replaceChildren(...nodes);
  }

  #key(event: KeyboardEvent): void {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      return this.close();
    }
    const buttons = [...this.#grid.querySelectorAll("button")];
    if (event.target === this.#search && event.key === "Enter") {
      event.preventDefault();
      if (buttons.length > 0) this.#choose(buttons[0].textContent ?? "");
      return;
    }
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: COLUMNS,
      ArrowUp: -COLUMNS,
    };
    if (at === -1 || !(event.key in moves)) return;
    event.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + moves[event.key]))];
    buttons[at].tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }

  #choose(emoji: string): void {
    const picking = this.#picking;
    if (picking !== undefined) {
      this.#picking = undefined;
      this.close(false);
      picking.resolve(emoji);
      picking.anchor.focus();
      return;
    }
    this.close(false);
    this.#input.focus();
    insertText(this.#input, emoji);
  }
}

function emojiButton(entry: EmojiEntry, first: boolean): HTMLButtonElement {
  const name = entry.names[0].replaceAll("_", " ");
  return el("button", {
    attrs: {
      type: "button",
      "aria-label": name,
      title: `:${entry.names[0]}:`,
      tabindex: first ? "0" : "-1",
    },
  }, entry.emoji);
}
