/**
 * The reader's presence: away by their own word (`/away [text]`, `/back`), or by the page's
 * after ten minutes without a key or a click in it, which covers a page left hidden that long
 * (nothing is typed into a hidden page); back by itself at the next key, click or return to the
 * page. The rule of when is the client core's (`AutoAway`, shared with the terminal); this file
 * only feeds it the page's input and sends what it decides.
 *
 * @module
 */
import { AutoAway, type PresenceRequest } from "../../src/client/auto_away.ts";

/** How often the page checks whether its reader has been idle long enough. */
const CHECK_EVERY_MS = 15_000;

/**
 * Away and back for this page's reader.
 *
 * @example
 * ```ts ignore
 * const presence = new Presence((request) => session.request(request));
 * presence.chose({ type: "away", text: "lunch" });
 * ```
 */
export class Presence {
  readonly #send: (request: PresenceRequest) => boolean;
  readonly #away = new AutoAway({ now: () => Date.now() });

  constructor(send: (request: PresenceRequest) => boolean) {
    this.#send = send;
    const active = () => this.#tell(this.#away.keystroke());
    addEventListener("keydown", active);
    addEventListener("pointerdown", active);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") active();
    });
    setInterval(() => this.#tell(this.#away.check()), CHECK_EVERY_MS);
  }

  /** The reader typed `/away [text]` or `/back` (sent by the command itself). */
  chose(request: PresenceRequest): void {
    this.#away.chose(request);
  }

  /** A new connection: the server forgot the presence with the old one. */
  reconnected(): void {
    this.#tell(this.#away.restore());
  }

  #tell(request: PresenceRequest | undefined): void {
    if (request !== undefined) this.#send(request);
  }
}
