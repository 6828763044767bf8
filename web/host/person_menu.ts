/**
 * The operator's menu on a person of the member list: Kick, Mute, Unmute, Ban, Make operator or
 * Remove operator. A button beside the person's name opens it (a menu button, as ARIA describes
 * one: arrow keys move between items, Escape closes it and gives the focus back). It exists only
 * on an operator's page and only while open.
 *
 * @module
 */
import { menuButton, toggleMenu } from "../popup_menu.ts";

/** What an operator may choose to do to someone. */
export type PersonAction = "kick" | "mute" | "unmute" | "ban" | "op" | "deop";

/** The items of the menu for someone who is, or is not, an operator. */
function items(isOp: boolean): [PersonAction, string][] {
  // Operators cannot be kicked, muted or banned until they are demoted.
  return isOp ? [["deop", "Remove operator"]] : [
    ["kick", "Kick…"],
    ["mute", "Mute…"],
    ["unmute", "Unmute"],
    ["ban", "Ban…"],
    ["op", "Make operator"],
  ];
}

/**
 * The button that opens the menu on `nick`; `choose` is called with the item chosen (the menu
 * has closed and the focus is back on the button).
 *
 * @example
 * ```ts ignore
 * li.append(personMenuButton("ben", false, (action, button) => act(action, "ben", button)));
 * ```
 */
export function personMenuButton(
  nick: string,
  isOp: boolean,
  choose: (action: PersonAction, button: HTMLButtonElement) => void,
): HTMLButtonElement {
  const label = `Actions for ${nick}`;
  const button: HTMLButtonElement = menuButton(label, "⋯", (focus) =>
    toggleMenu(
      button,
      label,
      items(isOp).map(([action, text]) => ({ label: text, choose: () => choose(action, button) })),
      { className: "person-menu", floating: false, focus },
    ), "person-actions");
  // Not a click on the person: that opens a conversation (menuButton stops it).
  button.dataset.for = nick;
  return button;
}
