/**
 * The two pages, login and chat, and the connection status in the top bar. The passkey is read
 * from its field once and the field emptied whenever the login page shows again.
 *
 * @module
 */
import type { PageElements } from "./elements.ts";
import { recall } from "./storage.ts";

/** What the status line says about the connection. */
export type StatusKind = "connected" | "reconnecting" | "disconnected";

/**
 * Switching between the login and the chat page.
 *
 * @example
 * ```ts ignore
 * const pages = new Pages(page, (nick, passkey) => session.login(nick, passkey));
 * pages.showLogin("Wrong passkey.");
 * ```
 */
export class Pages {
  readonly #page: PageElements;

  constructor(page: PageElements, login: (nick: string, passkey: string) => void) {
    this.#page = page;
    page.login.addEventListener("submit", (event) => {
      event.preventDefault();
      const nick = page.nick.value.trim();
      const passkey = page.passkey.value.trim();
      if (nick === "" || passkey === "") {
        page.loginError.textContent = nick === ""
          ? "Choose a nick."
          : "Enter the passkey the server printed.";
        return;
      }
      page.loginError.textContent = "";
      page.loginButton.disabled = true;
      login(nick, passkey);
    });
    page.nick.value = recall("chat-nick") ?? "";
    (page.nick.value ? page.passkey : page.nick).focus();
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

  /** Shows the login page with `reason`, the nick kept and the passkey field empty. */
  showLogin(reason: string, nick: string): void {
    const page = this.#page;
    page.chatPage.hidden = true;
    page.loginPage.hidden = false;
    page.loginButton.disabled = false;
    page.loginError.textContent = reason;
    page.passkey.value = "";
    page.nick.value = nick || page.nick.value;
    (page.nick.value ? page.passkey : page.nick).focus();
  }

  /** Sets the status line. */
  setStatus(kind: StatusKind, text: string): void {
    this.#page.status.dataset.state = kind;
    this.#page.status.textContent = text;
  }
}
