/**
 * The line above the message box while the reader answers a message: "Replying to NICK: the
 * start of it…" and a button that cancels. The next message sent in that place carries `reply_to`
 * (PROTOCOL.md section 3.6); going to another place, or sending, ends the reply. Escape in the
 * message box cancels it too.
 *
 * @module
 */
import type { Place } from "../../src/client/unread_tracker.ts";
import { nickKey } from "../../src/protocol/names.ts";
import { el } from "../elements.ts";

/** Characters of the original the line shows. */
const SHOWN_CHARS = 80;

/** The message being answered, and where. */
export interface ReplyTarget {
  id: number;
  from: string;
  text: string;
  place: Place;
}

/**
 * The reply line, put above `composer`.
 *
 * @example
 * ```ts ignore
 * const reply = new ReplyBar(page.composer, page.input);
 * reply.start({ id: 41, from: "ben", text: "lunch?", place: { room: "lobby" } });
 * reply.take({ room: "lobby" }); // 41, and the line is gone
 * ```
 */
export class ReplyBar {
  readonly element: HTMLElement;
  readonly #text: HTMLElement;
  readonly #input: HTMLTextAreaElement;
  #target: ReplyTarget | undefined;

  constructor(composer: HTMLElement, input: HTMLTextAreaElement) {
    this.#input = input;
    this.#text = el("span", { className: "reply-to" });
    const cancel = el("button", {
      className: "reply-cancel",
      attrs: { type: "button", "aria-label": "Cancel reply", title: "Cancel reply" },
    }, "✕");
    cancel.addEventListener("click", () => {
      this.cancel();
      input.focus();
    });
    this.element = el(
      "div",
      { className: "reply-bar", attrs: { role: "status" } },
      this.#text,
      cancel,
    );
    this.element.hidden = true;
    composer.before(this.element);
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.#target !== undefined && !event.defaultPrevented) {
        event.preventDefault();
        this.cancel();
      }
    });
  }

  /** The message being answered, if any. */
  get target(): ReplyTarget | undefined {
    return this.#target;
  }

  /** Starts answering `target`, and puts the focus in the message box. */
  start(target: ReplyTarget): void {
    this.#target = target;
    const chars = [...target.text];
    const text = chars.length > SHOWN_CHARS
      ? `${chars.slice(0, SHOWN_CHARS).join("")}…`
      : target.text;
    this.#text.replaceChildren(
      "Replying to ",
      el("strong", {}, target.from),
      `: ${text || "(message deleted)"}`,
    );
    this.element.hidden = false;
    this.#input.focus();
  }

  /** Ends the reply without sending. */
  cancel(): void {
    this.#target = undefined;
    this.element.hidden = true;
    this.#text.replaceChildren();
  }

  /**
   * The id to send as `reply_to` with a message to `place`, ending the reply; undefined when not
   * answering, or answering in another place (which ends it too).
   */
  take(place: Place): number | undefined {
    const target = this.#target;
    if (target === undefined) return undefined;
    this.cancel();
    return samePlace(target.place, place) ? target.id : undefined;
  }

  /** The reader went to `place`: a reply begun elsewhere ends. */
  placeChanged(place: Place): void {
    if (this.#target !== undefined && !samePlace(this.#target.place, place)) this.cancel();
  }
}

function samePlace(a: Place, b: Place): boolean {
  if ("room" in a && "room" in b) return a.room === b.room;
  if ("with" in a && "with" in b) return nickKey(a.with) === nickKey(b.with);
  return false;
}
