/**
 * Suggestions while a `:shortcode` is typed in the message box: after `:sm` a short list of the
 * emoji whose shortcodes start so. Arrows move through it, Enter or Tab puts the chosen emoji
 * in place of what was typed, Escape closes it; a click chooses too. The box stays focused
 * throughout and names the list and its chosen option (`aria-controls`,
 * `aria-activedescendant` on the text box), so screen readers follow.
 *
 * Its keydown listener must be added before the composer's own, so that Enter chooses rather
 * than sends while the list is open.
 *
 * @module
 */
import type { EmojiEntry } from "../../src/client/emoji/emoji_table.ts";
import { type EmojiModule, loadEmoji } from "./load_emoji.ts";
import { shortcodePartial } from "../../src/client/emoji/shortcode_partial.ts";
import { el } from "../elements.ts";
import { insertText } from "./insert_text.ts";

/** How many suggestions show at once. */
const MAX_SUGGESTIONS = 8;

/**
 * The suggestion list of a message box.
 *
 * @example
 * ```ts ignore
 * new EmojiSuggest(page.input); // before the composer adds its listeners
 * ```
 */
export class EmojiSuggest {
  /** The emoji table, once loaded. */
  #emoji: EmojiModule | undefined;
  readonly #input: HTMLTextAreaElement;
  readonly #list: HTMLUListElement;
  #found: EmojiEntry[] = [];
  #chosen = 0;
  #partial = "";

  constructor(input: HTMLTextAreaElement) {
    this.#input = input;
    this.#list = el("ul", {
      className: "emoji-suggestions",
      attrs: { id: "emoji-suggestions", role: "listbox", "aria-label": "Emoji" },
    });
    this.#list.hidden = true;
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", this.#list.id);
    input.after(this.#list);
    input.addEventListener("input", () => this.#update());
    input.addEventListener("blur", () => this.close());
    input.addEventListener("keydown", (event) => this.#key(event));
    // Chosen with the pointer without taking the focus from the box.
    this.#list.addEventListener("mousedown", (event) => event.preventDefault());
    this.#list.addEventListener("click", (event) => {
      const option = (event.target as Element).closest("[data-index]") as HTMLElement | null;
      if (option !== null) this.#choose(Number(option.dataset.index));
    });
  }

  /** Hides the list. */
  close(): void {
    this.#found = [];
    this.#list.hidden = true;
    this.#list.replaceChildren();
    this.#input.removeAttribute("aria-activedescendant");
  }

  #update(): void {
    const before = this.#input.value.slice(0, this.#input.selectionStart);
    const partial = shortcodePartial(before);
    if (partial !== undefined && this.#emoji === undefined) {
      // The table comes with its first use; the list shows once it is there.
      loadEmoji().then((emoji) => {
        this.#emoji = emoji;
        this.#update();
      }, () => {});
      return;
    }
    this.#found = partial === undefined
      ? []
      : this.#emoji!.searchEmoji(partial, { namesOnly: true, limit: MAX_SUGGESTIONS });
    if (this.#found.length === 0) return this.close();
    this.#partial = partial!;
    this.#chosen = 0;
    const key = partial!.toLowerCase().replace(/^:|:$/gu, "");
    this.#list.replaceChildren(...this.#found.map((entry, index) => {
      const name = entry.names.find((name) => name.startsWith(key)) ?? entry.names[0];
      return el(
        "li",
        {
          attrs: { id: `emoji-suggestion-${index}`, role: "option", "aria-selected": "false" },
          data: { index: String(index) },
        },
        el("span", { className: "emoji" }, entry.emoji),
        ` :${name}:`,
      );
    }));
    this.#list.hidden = false;
    this.#mark();
  }

  #key(event: KeyboardEvent): void {
    if (this.#found.length === 0 || event.isComposing) return;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
    if (event.key in moves) {
      this.#chosen = (this.#chosen + moves[event.key] + this.#found.length) % this.#found.length;
      this.#mark();
    } else if (event.key === "Enter" || event.key === "Tab") {
      this.#choose(this.#chosen);
    } else if (event.key === "Escape") {
      this.close();
    } else {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  #mark(): void {
    for (const [index, option] of [...this.#list.children].entries()) {
      option.setAttribute("aria-selected", String(index === this.#chosen));
    }
    this.#input.setAttribute("aria-activedescendant", `emoji-suggestion-${this.#chosen}`);
  }

  #choose(index: number): void {
    const entry = this.#found[index];
    if (entry === undefined) return;
    const end = this.#input.selectionStart;
    this.close();
    insertText(this.#input, entry.emoji, { start: end - this.#partial.length, end });
  }
}
