/**
 * Replies, reactions, edits and deletes on the page (PROTOCOL.md section 3.6). Every message the
 * page receives, and every acknowledgement of the reader's own changes, goes into one
 * {@linkcode MessageBook} (the client core's, which the terminal keeps too); the rows of the
 * message lists are drawn from it: a reply's quote above its text (a button that goes to the
 * original), "(edited)", "message deleted", the reaction chips, and the actions on the message.
 * When a change arrives, the rows of its message (a private message may be in two lists) and the
 * replies quoting it are drawn again in place.
 *
 * The text itself is drawn by the list's own row renderer (list/event_row.ts), so an edited text
 * looks like any other; this module only puts it where the old one was.
 *
 * @module
 */
import type { ChatClient } from "../../src/client/chat_client.ts";
import type { DisplayEvent } from "../../src/client/display_event.ts";
import { type BookEntry, MessageBook } from "../../src/client/message_book.ts";
import type { Place } from "../../src/client/unread_tracker.ts";
import type { ClientMessage, ServerMessage } from "../../src/protocol/messages.ts";
import { nickKey } from "../../src/protocol/names.ts";
import { el } from "../elements.ts";
import { renderEvent } from "../list/event_row.ts";
import { confirmDelete } from "./delete_dialog.ts";
import { editInPlace } from "./edit_in_place.ts";
import { menuButton, type MenuItem, toggleMenu } from "../popup_menu.ts";
import { reactionChips } from "./reaction_chips.ts";
import type { ReplyBar } from "./reply_bar.ts";
import { rowOf } from "./reveal_message.ts";

/** The reactions offered at once; the emoji picker has the rest. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "🎉", "😮", "😢"] as const;

/** Requests that change a message. */
type ChangeRequest = Extract<ClientMessage, { type: "react" | "edit" | "delete" }>;

/** What the changes need of the page. */
export interface MessageChangesOptions {
  /** This user's nick, now. */
  self(): string;
  /** Whether this connection may use the host controls (delete anyone's room message). */
  operator(): boolean;
  /** The live connection, or undefined while reconnecting. */
  live(): ChatClient | undefined;
  /** The place on screen. */
  onScreen(): Place;
  /** The element of the list of `place`, when it is open. */
  listElement(place: Place): HTMLElement | undefined;
  /** Takes the reader to message `id` of `place`, loading history as needed. */
  reveal(id: number, place: Place): void;
  /** The reply line above the message box. */
  reply: ReplyBar;
  /** The message box, where the focus goes back after an edit. */
  input: HTMLTextAreaElement;
  /** Where every list lives: rows are looked for in it. */
  container: HTMLElement;
  /** Shows a sentence about something that went wrong. */
  complain(text: string): void;
  /** The emoji picker, once there is one: resolves with the emoji chosen, if any. */
  pickEmoji?(anchor: HTMLElement): Promise<string | undefined>;
}

/**
 * The page's messages as they read now, and the rows drawn from them.
 *
 * @example
 * ```ts ignore
 * const changes = new MessageChanges(options);
 * changes.observe(message); // every server message, before it is shown
 * list.decorate = (row, event) => changes.decorate(row, event);
 * ```
 */
export class MessageChanges {
  readonly book: MessageBook = new MessageBook();
  readonly #options: MessageChangesOptions;

  constructor(options: MessageChangesOptions) {
    this.#options = options;
    options.input.addEventListener("keydown", (event) => {
      // Arrow-Up in an empty message box edits the reader's last message (a chat convention).
      if (
        event.key !== "ArrowUp" || event.defaultPrevented || event.shiftKey || event.altKey ||
        event.ctrlKey || event.metaKey || options.input.value !== ""
      ) return;
      if (this.editLast()) event.preventDefault();
    });
  }

  /** Takes in one server message; a change to a message shown redraws its rows. */
  observe(message: ServerMessage): void {
    const change = this.book.apply(message);
    if (change === undefined || change.kind === "added" || change.kind === "unknown") return;
    this.#redraw(change.entry, change.kind !== "reacted");
  }

  /** Adds the quote, marks, chips and actions of `event`'s message to its new row. */
  decorate(row: HTMLElement, event: DisplayEvent): void {
    if (event.id === undefined) return;
    const entry = this.book.get(event.id);
    if (entry === undefined) return;
    // A message comes as it reads now; only a deleted one's row says so instead of its text.
    if (entry.deleted) this.#replaceText(row, entry);
    this.#paint(row, entry);
  }

  /** Starts editing the reader's newest message in the place on screen; false if none is shown. */
  editLast(): boolean {
    const place = this.#options.onScreen();
    const entry = this.book.lastOwn(this.#options.self(), place);
    const list = this.#options.listElement(place);
    const row = entry === undefined || list === undefined ? null : rowOf(list, entry.id);
    if (entry === undefined || row === null) return false;
    row.scrollIntoView({ block: "nearest" });
    this.#edit(row, entry);
    return true;
  }

  /** Draws the rows of `entry` again, with its text when `text`, and the replies quoting it. */
  #redraw(entry: BookEntry, text: boolean): void {
    const container = this.#options.container;
    for (const row of container.querySelectorAll<HTMLElement>(`.event[data-id="${entry.id}"]`)) {
      if (text) this.#replaceText(row, entry);
      this.#paint(row, entry);
    }
    if (!text) return;
    for (
      const row of container.querySelectorAll<HTMLElement>(`.event[data-reply-to="${entry.id}"]`)
    ) {
      const reply = this.book.get(Number(row.dataset.id));
      if (reply !== undefined) this.#paint(row, reply);
    }
  }

  /** Puts the message's text as it reads now in place of the row's. */
  #replaceText(row: HTMLElement, entry: BookEntry): void {
    const old = row.querySelector(":scope > .text");
    if (old === null) return;
    if (entry.deleted) {
      row.dataset.deleted = "true";
      old.replaceWith(el("span", { className: "text deleted" }, "message deleted"));
      row.querySelector(":scope > .edit-box")?.remove();
      return;
    }
    if (entry.type === "file") return;
    const shown: DisplayEvent = {
      type: entry.type,
      text: entry.text,
      from: entry.from,
      room: entry.room,
      id: entry.id,
      ts: entry.ts,
      ...(entry.to === undefined ? {} : { to: entry.to }),
    };
    const fresh = renderEvent(shown, this.#options.self()).querySelector(".text");
    if (fresh !== null) old.replaceWith(fresh);
  }

  /** (Re)draws what this module adds to a row: quote, "(edited)", chips and actions. */
  #paint(row: HTMLElement, entry: BookEntry): void {
    row.querySelectorAll(":scope > :is(.quote, .edited, .reactions, .row-actions)").forEach(
      (part) => part.remove(),
    );
    if (entry.replyTo !== undefined) {
      row.dataset.replyTo = String(entry.replyTo);
      row.prepend(this.#quote(entry));
    }
    const text = row.querySelector(":scope > .text");
    if (entry.edited && !entry.deleted) {
      text?.after(" ", el("span", { className: "edited" }, "(edited)"));
    }
    const chips = reactionChips(entry.reactions, this.#options.self(), (emoji, remove) => {
      this.#send({ type: "react", rid: "", id: entry.id, emoji, remove: remove || undefined });
    });
    if (chips !== undefined) row.append(chips);
    if (!entry.deleted) row.append(this.#actions(row, entry));
  }

  /** A reply's quote: a button that goes to the original. */
  #quote(entry: BookEntry): HTMLElement {
    const quote = entry.quote;
    const from = quote?.from ?? "";
    const gone = quote === undefined || quote.deleted === true;
    const text = gone ? "message deleted" : quote.text;
    const button = el(
      "button",
      {
        className: gone ? "quote deleted" : "quote",
        attrs: {
          type: "button",
          title: "Go to the message this answers",
          "aria-label": `In reply to ${from}: ${text}. Go to that message.`,
        },
      },
      el("span", { className: "quote-from" }, from),
      " ",
      el("span", { className: "quote-text" }, text),
    );
    button.addEventListener(
      "click",
      () => this.#options.reveal(entry.replyTo!, placeOf(entry, this.#options.self())),
    );
    return button;
  }

  /** The actions on a message: React and Reply at hand, everything in the ⋯ menu. */
  #actions(row: HTMLElement, entry: BookEntry): HTMLElement {
    const who = entry.from;
    const react = menuButton(
      `React to ${who}'s message`,
      "☺",
      (focus) =>
        toggleMenu(react, `React to ${who}'s message`, this.#reactions(entry, react), {
          className: "reaction-menu",
          focus,
        }),
      "react-button",
    );
    react.tabIndex = -1;
    const reply = el("button", {
      className: "reply-button",
      attrs: { type: "button", tabindex: "-1", "aria-label": `Reply to ${who}`, title: "Reply" },
    }, "↩");
    reply.addEventListener("click", () => this.#reply(entry));
    const more: HTMLButtonElement = menuButton(
      `Actions on ${who}'s message`,
      "⋯",
      (focus) =>
        toggleMenu(more, `Actions on ${who}'s message`, this.#menu(row, entry, more), { focus }),
      "more-button",
    );
    return el("div", { className: "row-actions" }, react, reply, more);
  }

  /** The quick reactions, and "More…" once there is an emoji picker. */
  #reactions(entry: BookEntry, anchor: HTMLButtonElement): MenuItem[] {
    const self = nickKey(this.#options.self());
    const items: MenuItem[] = QUICK_REACTIONS.map((emoji) => {
      const mine = (entry.reactions.get(emoji) ?? []).some((nick) => nickKey(nick) === self);
      return {
        label: emoji,
        name: mine ? `Take back ${emoji}` : `React with ${emoji}`,
        className: "quick-reaction",
        choose: () =>
          this.#send({ type: "react", rid: "", id: entry.id, emoji, remove: mine || undefined }),
      };
    });
    const pick = this.#options.pickEmoji;
    if (pick !== undefined) {
      items.push({
        label: "More…",
        name: "More reactions",
        choose: async () => {
          const emoji = await pick(anchor);
          if (emoji !== undefined) this.#send({ type: "react", rid: "", id: entry.id, emoji });
        },
      });
    }
    return items;
  }

  /** The ⋯ menu: the reactions, Reply, and Edit and Delete where the reader may. */
  #menu(row: HTMLElement, entry: BookEntry, button: HTMLButtonElement): MenuItem[] {
    const mine = nickKey(entry.from) === nickKey(this.#options.self());
    const items: MenuItem[] = [
      ...this.#reactions(entry, button),
      { label: "Reply", choose: () => this.#reply(entry) },
    ];
    if (mine && entry.type !== "file") {
      items.push({ label: "Edit", choose: () => this.#edit(row, entry) });
    }
    if (mine || (this.#options.operator() && entry.type !== "private")) {
      items.push({
        label: "Delete…",
        name: "Delete",
        choose: () => {
          confirmDelete(
            { from: entry.from, text: entry.text, mine },
            () => this.#call({ type: "delete", rid: "", id: entry.id }),
            () => button.isConnected ? button : this.#options.input,
          );
        },
      });
    }
    return items;
  }

  #reply(entry: BookEntry): void {
    this.#options.reply.start({
      id: entry.id,
      from: entry.from,
      text: entry.type === "file" ? "a file" : entry.text,
      place: placeOf(entry, this.#options.self()),
    });
  }

  #edit(row: HTMLElement, entry: BookEntry): void {
    editInPlace(
      row,
      entry.text,
      (text) => this.#call({ type: "edit", rid: "", id: entry.id, text }),
      this.#options.input,
    );
  }

  /** Sends a change; a refusal is shown by the page's error line, as every error is. */
  #send(request: ChangeRequest): void {
    this.#call(request).catch(() => {});
  }

  /** Sends a change and resolves once the server acknowledged it. */
  async #call(request: ChangeRequest): Promise<void> {
    const client = this.#options.live();
    if (client === undefined) {
      const text = "Not connected right now; try again once reconnected.";
      this.#options.complain(text);
      throw new Error(text);
    }
    await client.call({ ...request, rid: client.rid() }, "ack");
  }
}

/** Where `entry` is: its room, or the private conversation it is part of. */
export function placeOf(
  entry: { type: string; room: string; from: string; to?: string },
  self: string,
): Place {
  if (entry.type !== "private" && entry.to === undefined) return { room: entry.room };
  const other = nickKey(entry.from) === nickKey(self) ? entry.to ?? entry.from : entry.from;
  return { with: other };
}
