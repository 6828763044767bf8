/**
 * "ana is typing…" under the messages of the place on screen, and the page's own `typing`
 * signals while its reader types (PROTOCOL.md section 3.4): at most one every three seconds, only
 * for a message (not a command), and never in a big room, where the server drops them anyway.
 *
 * @module
 */
import type { ServerMessage } from "../../src/protocol/messages.ts";
import type { Place } from "../../src/client/unread_tracker.ts";
import { type TypingRequest, TypingWatch } from "../../src/client/typing_board.ts";

/**
 * The typing line and signals.
 *
 * @example
 * ```ts ignore
 * const typing = new TypingLine(page.typing, (request) => session.request(request));
 * typing.show({ room: "lobby" });
 * typing.observe({ type: "typing", from: "ana", room: "lobby" });
 * ```
 */
export class TypingLine {
  readonly #element: HTMLElement;
  readonly #send: (request: TypingRequest) => boolean;
  readonly #watch = new TypingWatch(() => Date.now());
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(element: HTMLElement, send: (request: TypingRequest) => boolean) {
    this.#element = element;
    this.#send = send;
  }

  /** The place on screen, whose typists the line names. */
  show(place: Place): void {
    this.#watch.show(place);
    this.#draw();
  }

  /** Takes in one server message: `typing`, and messages that end someone's typing. */
  observe(message: ServerMessage): void {
    if (this.#watch.observe(message)) this.#draw();
  }

  /**
   * The reader typed `text` in the place on screen, a room of `members` (undefined in a
   * conversation): says so, if it is time to.
   */
  typed(text: string, members: number | undefined): void {
    const request = this.#watch.typed(text, members);
    if (request !== undefined && this.#send(request)) this.#watch.sent();
  }

  #draw(): void {
    clearTimeout(this.#timer);
    this.#element.textContent = this.#watch.text();
    const next = this.#watch.nextChange();
    if (next !== undefined) this.#timer = setTimeout(() => this.#draw(), next - Date.now());
  }
}
