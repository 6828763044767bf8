/**
 * The operator's menu on a person of the member list: Kick, Mute, Unmute, Ban, Make operator or
 * Remove operator. A button beside the person's name opens it (a menu button, as ARIA describes
 * one: arrow keys move between items, Escape closes it and gives the focus back). It exists only
 * on an operator's page and only while open.
 *
 * @module
 */
import { el } from "../elements.ts";

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
  const button = el("button", {
    className: "person-actions",
    attrs: {
      type: "button",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-label": `Actions for ${nick}`,
      title: `Actions for ${nick}`,
    },
    data: { for: nick },
  }, "⋯");
  button.addEventListener("click", (event) => {
    // Not a click on the person: that opens a conversation.
    event.stopPropagation();
    if (button.getAttribute("aria-expanded") === "true") closeMenu(button);
    else openMenu(button, nick, isOp, choose);
  });
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      openMenu(button, nick, isOp, choose, event.key === "ArrowUp" ? -1 : 0);
    }
  });
  return button;
}

/** The menu open now, with the button that opened it. */
let open: { menu: HTMLElement; button: HTMLButtonElement } | undefined;

function openMenu(
  button: HTMLButtonElement,
  nick: string,
  isOp: boolean,
  choose: (action: PersonAction, button: HTMLButtonElement) => void,
  focusIndex = 0,
): void {
  closeMenu(open?.button);
  const entries = items(isOp).map(([action, label]) => {
    const item = el("button", {
      attrs: { type: "button", role: "menuitem", tabindex: "-1" },
      data: { action },
    }, label);
    item.addEventListener("click", (event) => {
      event.stopPropagation();
      closeMenu(button);
      choose(action, button);
    });
    return item;
  });
  const menu = el(
    "ul",
    { className: "person-menu", attrs: { role: "menu", "aria-label": `Actions for ${nick}` } },
    ...entries.map((item) => el("li", { attrs: { role: "none" } }, item)),
  );
  menu.addEventListener("keydown", (event) => {
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length].focus();
    switch (event.key) {
      case "ArrowDown":
        move(at + 1);
        break;
      case "ArrowUp":
        move(at - 1);
        break;
      case "Home":
        move(0);
        break;
      case "End":
        move(entries.length - 1);
        break;
      case "Escape":
        // Not also the sidebar's Escape, which folds it on a phone.
        event.stopPropagation();
        closeMenu(button);
        break;
      case "Tab":
        closeMenu(button, false);
        return;
      default:
        return;
    }
    event.preventDefault();
  });
  menu.addEventListener("focusout", (event) => {
    const next = event.relatedTarget;
    if (!(next instanceof Node) || (!menu.contains(next) && next !== button)) {
      closeMenu(button, false);
    }
  });
  button.after(menu);
  button.setAttribute("aria-expanded", "true");
  open = { menu, button };
  entries.at(focusIndex)?.focus();
}

/** Closes the menu `button` opened, giving it the focus back unless told not to. */
function closeMenu(button: HTMLButtonElement | undefined, focus = true): void {
  if (button === undefined || open?.button !== button) return;
  const { menu } = open;
  // Forgotten first: removing the focused menu fires its focusout, which closes it again.
  open = undefined;
  menu.remove();
  button.setAttribute("aria-expanded", "false");
  if (focus) button.focus();
}
