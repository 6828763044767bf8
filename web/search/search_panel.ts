/**
 * Search on the page (PROTOCOL.md section 3.6): a search box in the top bar, labelled "Search
 * messages"; Enter sends `search` with the filters typed (`in:ROOM`, `with:NICK`, `from:NICK`, the
 * client core's parser, as `/search` in the terminal), and a panel lists the results newest
 * first: where (a room, or the conversation with someone), who, when, and the text with the
 * words searched for marked. "More" asks for the page before the last result. Choosing a result
 * closes the panel and opens the message in context (message_changes.ts' reveal); Escape closes
 * the panel and gives the focus back to the box.
 *
 * Everything shown is built as elements and text nodes: a result's text is never HTML.
 *
 * @module
 */
import type { ChatClient } from "../../src/client/chat_client.ts";
import { formatClock } from "../../src/client/clock.ts";
import { parseSearchQuery, type SearchQuery } from "../../src/client/search_query.ts";
import type { Place } from "../../src/client/unread_tracker.ts";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import { el } from "../elements.ts";
import { placeOf } from "../changes/message_changes.ts";
import { highlightParts } from "./highlight_parts.ts";

/** Results asked for at a time. */
const PAGE = 20;

type Result = Extract<ServerMessage, { type: "search_results" }>["events"][number];

/** What search needs of the page. */
export interface SearchPanelOptions {
  /** The top bar, where the search box goes (before the status). */
  topbar: HTMLElement;
  /** The live connection, or undefined while reconnecting. */
  live(): ChatClient | undefined;
  /** This user's nick, now. */
  self(): string;
  /** Opens message `id` of `place` in context. */
  reveal(id: number, place: Place): void;
}

/**
 * The search box and its results panel.
 *
 * @example
 * ```ts ignore
 * new SearchPanel({ topbar, live: () => session.live, self: () => session.nick, reveal });
 * ```
 */
export class SearchPanel {
  readonly input: HTMLInputElement;
  readonly panel: HTMLElement;
  readonly #options: SearchPanelOptions;
  readonly #list: HTMLOListElement;
  readonly #status: HTMLElement;
  readonly #heading: HTMLElement;
  readonly #more: HTMLButtonElement;
  #query: SearchQuery | undefined;
  #last: number | undefined;

  constructor(options: SearchPanelOptions) {
    this.#options = options;
    this.input = el("input", {
      className: "search-input",
      attrs: {
        type: "search",
        "aria-label": "Search messages",
        placeholder: "Search",
        enterkeyhint: "search",
        autocomplete: "off",
        spellcheck: "false",
        "aria-controls": "search-panel",
      },
    });
    const form = el("form", { className: "search-form", attrs: { role: "search" } }, this.input);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.search(this.input.value);
    });
    const status = options.topbar.querySelector("#status");
    if (status === null) options.topbar.append(form);
    else status.before(form);

    this.#heading = el("h2", { attrs: { id: "search-heading" } }, "Search results");
    const close = el("button", {
      className: "search-close",
      attrs: { type: "button", "aria-label": "Close search results", title: "Close (Escape)" },
    }, "✕");
    close.addEventListener("click", () => this.close());
    this.#status = el("p", { className: "search-status", attrs: { role: "status" } });
    this.#list = el("ol", { className: "search-results" });
    this.#more = el("button", { className: "search-more", attrs: { type: "button" } }, "More");
    this.#more.hidden = true;
    this.#more.addEventListener("click", () => this.#ask(true));
    this.panel = el(
      "section",
      {
        className: "search-panel",
        attrs: { id: "search-panel", "aria-labelledby": "search-heading" },
      },
      el("div", { className: "search-head" }, this.#heading, close),
      this.#status,
      this.#list,
      this.#more,
    );
    this.panel.hidden = true;
    options.topbar.after(this.panel);
    const escape = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || this.panel.hidden) return;
      event.preventDefault();
      event.stopPropagation();
      this.close();
    };
    this.panel.addEventListener("keydown", escape);
    this.input.addEventListener("keydown", escape);
  }

  /** Searches for what `typed` says, replacing the results shown. */
  search(typed: string): void {
    const query = parseSearchQuery(typed);
    this.#query = query;
    this.#last = undefined;
    this.#list.replaceChildren();
    this.panel.hidden = false;
    this.#heading.textContent = `Results for “${typed.trim()}”`;
    if (query.text === "") {
      this.#more.hidden = true;
      this.#status.textContent = "Type words to search for, with in:ROOM or from:NICK if you like.";
      return;
    }
    this.#ask(false);
  }

  /** Closes the results, giving the focus back to the search box. */
  close(): void {
    this.panel.hidden = true;
    this.input.focus();
  }

  /** Asks for a page of results: the first, or with `more` the one after those shown. */
  async #ask(more: boolean): Promise<void> {
    const query = this.#query;
    const client = this.#options.live();
    if (query === undefined) return;
    if (client === undefined) {
      this.#status.textContent = "Not connected right now; try again once reconnected.";
      return;
    }
    this.#status.textContent = "Searching…";
    this.#more.hidden = true;
    const before = more ? this.#last : undefined;
    try {
      const reply = await client.call({
        type: "search",
        rid: client.rid(),
        text: query.text,
        limit: PAGE,
        ...(query.room === undefined ? {} : { room: query.room }),
        ...(query.with === undefined ? {} : { with: query.with }),
        ...(query.from === undefined ? {} : { from: query.from }),
        ...(before === undefined ? {} : { before }),
      }, "search_results");
      // A newer search replaced this one meanwhile.
      if (this.#query !== query) return;
      for (const result of reply.events) this.#list.append(this.#row(result, query.text));
      this.#last = reply.events.at(-1)?.id ?? this.#last;
      const count = this.#list.childElementCount;
      this.#status.textContent = count === 0
        ? "Nothing found."
        : `${count} ${count === 1 ? "message" : "messages"}${reply.more ? " so far" : ""}.`;
      this.#more.hidden = !reply.more;
    } catch (error) {
      if (this.#query !== query) return;
      this.#status.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  /** One result: a button that opens the message in context. */
  #row(result: Result, words: string): HTMLLIElement {
    const place = placeOf(result, this.#options.self());
    const where = "room" in place ? `#${place.room}` : `@${place.with}`;
    const time = el(
      "time",
      { className: "time", attrs: { datetime: result.ts } },
      formatClock(result.ts, new Date()),
    );
    time.title = new Date(result.ts).toLocaleString();
    const text = el(
      "span",
      { className: "text" },
      ...highlightParts(result.text, words).map((part) =>
        part.match ? el("mark", {}, part.text) : part.text
      ),
    );
    const button = el(
      "button",
      { className: "search-result", attrs: { type: "button" }, data: { id: String(result.id) } },
      el("span", { className: "where" }, where),
      " ",
      el("span", { className: "from" }, result.from),
      " ",
      time,
      el("br"),
      text,
      ...(result.edited ? [" ", el("span", { className: "edited" }, "(edited)")] : []),
    );
    button.addEventListener("click", () => {
      this.panel.hidden = true;
      this.#options.reveal(result.id, place);
    });
    return el("li", {}, button);
  }
}
