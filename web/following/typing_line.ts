/**
 * "ana is typing…" under the messages of the place on screen, and the page's own `typing`
 * signals while its reader types (PROTOCOL.md section 3.4): at most one every three seconds, only
 * for a message (not a command), and never in a big room, where the server drops them anyway.
 *
 * @module
 */
import type { ServerMessage } from "../../src/protocol/messages.ts";
import { type Place, placeKey } from "../../src/client/unread_tracker.ts";
import { TypingBoard, typingDue, typingText } from "./typing_board.ts";

/** A room of more than this many members is big (PROTOCOL.md section 3.3): no typing there. */
const BIG_ROOM = 200;

/** The `typing` request. */
export type TypingRequest = { type: "typing"; with?: string };

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
  readonly #board = new TypingBoard(() => Date.now());
  #place: Place | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sent: { place: string; at: number } | undefined;

  constructor(element: HTMLElement, send: (request: TypingRequest) => boolean) {
    this.#element = element;
    this.#send = send;
  }

  /** The place on screen, whose typists the line names. */
  show(place: Place): void {
    this.#place = place;
    this.#draw();
  }

  /** Takes in one server message: `typing`, and messages that end someone's typing. */
  observe(message: ServerMessage): void {
    switch (message.type) {
      case "typing": {
        const place = message.room === undefined ? { with: message.from } : { room: message.room };
        this.#board.typing(placeKey(place), message.from);
        break;
      }
      case "message":
      case "action":
      case "file":
      case "private": {
        if (message.history) return;
        const to = "to" in message ? message.to : undefined;
        const place = to === undefined ? { room: message.room } : { with: message.from };
        this.#board.spoke(placeKey(place), message.from);
        break;
      }
      case "welcome":
        this.#board.clear();
        break;
      default:
        return;
    }
    this.#draw();
  }

  /**
   * The reader typed `text` in the place on screen, a room of `members` (undefined in a
   * conversation): says so, if it is time to.
   */
  typed(text: string, members: number | undefined): void {
    const place = this.#place;
    if (place === undefined || text.trim() === "" || text.startsWith("/")) return;
    if (members !== undefined && members > BIG_ROOM) return;
    const due = typingDue(this.#sent, placeKey(place), Date.now());
    if (due === undefined) return;
    const sent = this.#send(
      "with" in place ? { type: "typing", with: place.with } : {
        type: "typing",
      },
    );
    if (sent) this.#sent = due;
  }

  #draw(): void {
    clearTimeout(this.#timer);
    const key = this.#place === undefined ? "" : placeKey(this.#place);
    this.#element.textContent = typingText(this.#board.who(key));
    const next = this.#board.nextChange(key);
    if (next !== undefined) this.#timer = setTimeout(() => this.#draw(), next - Date.now());
  }
}
