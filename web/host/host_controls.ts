/**
 * The host controls of the web page (PROTOCOL.md section 3.5), for operators only: a menu on
 * each person of the member list and a "Room settings" button in the top bar. They are made
 * when the server says this connection may use them (`welcome.operator`, or an `op` notice
 * naming this user) and removed when it no longer may (`deop`, a new login): on anyone else's
 * page nothing of them exists, hidden or not. The server decides what is allowed; these only
 * ask, and show its answer or refusal in one sentence.
 *
 * @module
 */
import type { ChatClient } from "../../src/client/chat_client.ts";
import { nickKey } from "../../src/protocol/names.ts";
import { el, type PageElements } from "../elements.ts";
import { type HostAnswer, hostCall, type HostRequest } from "./host_request.ts";
import { type PersonAction, personMenuButton } from "./person_menu.ts";
import type { RoomHeader } from "./room_header.ts";
import { openRoomSettingsDialog } from "./room_settings_dialog.ts";
import { openSanctionDialog } from "./sanction_dialog.ts";

/** What the host controls need of the page. */
export interface HostControlsOptions {
  page: PageElements;
  header: RoomHeader;
  /** The live connection, if any. */
  live(): ChatClient | undefined;
  /** This user's nick. */
  self(): string;
  /** The room this user is in. */
  room(): string;
  /** Shows a sentence of what was done, in the place on screen. */
  note(text: string): void;
  /** Shows a sentence of what went wrong, in the place on screen. */
  complain(text: string): void;
  /** Draws the member list again (its menus come and go with the role). */
  redrawPeople(): void;
}

/**
 * The operator's menus and dialogs.
 *
 * @example
 * ```ts ignore
 * const host = new HostControls(options);
 * host.setOperator(welcome.operator === true);
 * ```
 */
export class HostControls {
  readonly #options: HostControlsOptions;
  #operator = false;
  #settingsButton: HTMLButtonElement | undefined;

  constructor(options: HostControlsOptions) {
    this.#options = options;
  }

  /** Whether this connection may use the host controls. */
  get operator(): boolean {
    return this.#operator;
  }

  /** Shows the controls, or removes every trace of them. */
  setOperator(operator: boolean): void {
    if (operator === this.#operator) return;
    this.#operator = operator;
    const { page, header } = this.#options;
    if (operator) {
      const button = el("button", {
        attrs: { id: "room-settings-button", type: "button", "aria-haspopup": "dialog" },
      }, "Room settings");
      button.addEventListener("click", () => this.#openSettings(button));
      page.status.before(button);
      this.#settingsButton = button;
      this.readSettings(this.#options.room());
    } else {
      this.#settingsButton?.remove();
      this.#settingsButton = undefined;
      for (const dialog of document.querySelectorAll("dialog.host-dialog")) dialog.remove();
      header.forgetSettings();
    }
    this.#options.redrawPeople();
  }

  /** Asks for the settings of `room`, to show them in the header (operators only). */
  readSettings(room: string): void {
    if (!this.#operator) return;
    this.#send({ type: "room_set", room }).catch(() => {
      // The header stays as it was; the dialog asks again and says why if it fails.
    });
  }

  /** The controls on a person of the member list: none unless operator, none on oneself. */
  personControls(nick: string, isOp: boolean): Node[] {
    if (!this.#operator || nickKey(nick) === nickKey(this.#options.self())) return [];
    return [personMenuButton(nick, isOp, (action, button) => this.#act(action, nick, button))];
  }

  /** Sends a request; a room's settings in the answer go to the header. */
  async #send(request: HostRequest): Promise<HostAnswer> {
    const answer = await hostCall(this.#options.live(), request);
    if (answer.type === "room_settings") this.#options.header.setSettings(answer);
    return answer;
  }

  async #act(action: PersonAction, nick: string, button: HTMLButtonElement): Promise<void> {
    const { note, complain, page } = this.#options;
    if (action === "kick" || action === "mute" || action === "ban") {
      const said = await openSanctionDialog(action, nick, {
        send: async (request) => {
          const answer = await this.#send(request);
          return answer.type === "done" ? answer.text : "";
        },
        // The person may have left the list meanwhile (a kick removes them).
        returnFocus: () => button.isConnected ? button : personButton(page, nick) ?? page.input,
      });
      if (said) note(said);
      return;
    }
    try {
      const answer = await this.#send({ type: action, nick });
      if (answer.type === "done") note(answer.text);
    } catch (error) {
      complain(error instanceof Error ? error.message : String(error));
    }
  }

  async #openSettings(button: HTMLButtonElement): Promise<void> {
    const { note, complain } = this.#options;
    const room = this.#options.room();
    let current: HostAnswer;
    try {
      current = await this.#send({ type: "room_set", room });
    } catch (error) {
      return complain(error instanceof Error ? error.message : String(error));
    }
    if (current.type !== "room_settings") return;
    const said = await openRoomSettingsDialog(room, current, {
      send: (request) => this.#send(request),
      returnFocus: () => button.isConnected ? button : undefined,
    });
    if (said) note(said);
  }
}

/** The actions button of `nick` in the member list, as drawn now. */
function personButton(page: PageElements, nick: string): HTMLButtonElement | undefined {
  for (const button of page.users.querySelectorAll<HTMLButtonElement>("button.person-actions")) {
    if (button.dataset.for === nick) return button;
  }
  return undefined;
}
