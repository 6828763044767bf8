/**
 * The two pages, login and chat, and the connection status in the top bar. The passkey (and the
 * host's operator key) is read from its field once and the field emptied whenever the login page
 * shows again; neither is kept by the browser.
 *
 * @module
 */
import type { PageElements } from "./elements.ts";
import { recall } from "./storage.ts";

/** What the status line says about the connection. */
export type StatusKind = "connected" | "reconnecting" | "disconnected";

/** What the login form gives besides the nick: whichever lets this browser in. */
export interface WebCredentials {
  passkey?: string;
  invite?: string;
  link?: string;
  /** The server's operator credential, for the host (PROTOCOL.md section 3.5). */
  operator?: string;
}

/**
 * Switching between the login and the chat page. The login form asks for the passkey only when
 * nothing else lets this browser in: not after an invite link, and not once the browser has a
 * device of its own (then it logs in by itself, see main.ts).
 *
 * @example
 * ```ts ignore
 * const pages = new Pages(page, (nick, credentials) => session.login(nick, credentials));
 * pages.showLogin("Wrong passkey.");
 * ```
 */
export class Pages {
  readonly #page: PageElements;
  #invite: string | undefined;

  constructor(
    page: PageElements,
    login: (nick: string, credentials: WebCredentials) => void,
  ) {
    this.#page = page;
    page.login.addEventListener("submit", (event) => {
      event.preventDefault();
      const nick = page.nick.value.trim();
      const passkey = page.passkey.value.trim();
      const link = page.linkCode.value.trim();
      const operator = page.operatorKey.value.trim();
      const invite = this.#invite;
      const device = recall("chat-device") !== null;
      if (nick === "") {
        page.loginError.textContent = "Choose a nick.";
        return;
      }
      if (passkey === "" && link === "" && invite === undefined && !device) {
        page.loginError.textContent = "Enter the passkey the server printed.";
        return;
      }
      page.loginError.textContent = "";
      page.loginButton.disabled = true;
      login(nick, {
        ...(passkey === "" ? {} : { passkey }),
        ...(link === "" ? {} : { link }),
        ...(invite === undefined ? {} : { invite }),
        ...(operator === "" ? {} : { operator }),
      });
    });
    page.nick.value = recall("chat-nick") ?? "";
    this.#focus();
  }

  /** An invite from the link this page was opened with: the passkey is not asked for. */
  setInvite(token: string | undefined): void {
    this.#invite = token;
    this.#page.passkeyField.hidden = token !== undefined;
    this.#page.invited.hidden = token === undefined;
    this.#focus();
  }

  /** Shows the chat page, moving the focus to the message box if it was on the login form. */
  showChat(): void {
    const page = this.#page;
    page.loginPage.hidden = true;
    page.chatPage.hidden = false;
    page.loginButton.disabled = false;
    const focused = document.activeElement;
    if (focused === document.body || page.loginPage.contains(focused)) page.input.focus();
  }

  /**
   * Shows the login page with `reason`, the nick kept and the passkey field empty; after a
   * refused invite or device, the passkey is asked for again.
   */
  showLogin(reason: string, nick: string, options: { askPasskey?: boolean } = {}): void {
    const page = this.#page;
    if (options.askPasskey) this.setInvite(undefined);
    page.chatPage.hidden = true;
    page.loginPage.hidden = false;
    page.loginButton.disabled = false;
    page.loginError.textContent = reason;
    page.passkey.value = "";
    page.linkCode.value = "";
    page.operatorKey.value = "";
    page.nick.value = nick || page.nick.value;
    this.#focus();
  }

  #focus(): void {
    const page = this.#page;
    (page.nick.value && !page.passkeyField.hidden ? page.passkey : page.nick).focus();
  }

  /** Sets the status line. */
  setStatus(kind: StatusKind, text: string): void {
    this.#page.status.dataset.state = kind;
    this.#page.status.textContent = text;
  }
}
