/**
 * A small menu that a button opens, as ARIA describes one (the member list's person menus and
 * the menus on messages): the first item takes the focus, arrow keys move between items, Home
 * and End go to the ends, Escape closes it and gives the focus back to the button, and leaving it
 * (Tab, a click elsewhere) closes it. Only one is open at a time, and it exists only while open.
 *
 * @module
 */
import { el } from "./elements.ts";

/** One item of a menu. */
export interface MenuItem {
  /** What the item shows. */
  label: string;
  /** Its accessible name, when the label alone does not say it (an emoji). */
  name?: string;
  /** A class for the style sheet and tests. */
  className?: string;
  /** Carried out once the menu has closed (the focus is back on the button). */
  choose(): void;
}

/** The menu open now, with the button that opened it. */
let open: { menu: HTMLElement; button: HTMLButtonElement } | undefined;

/**
 * Opens a menu of `items` named `label` right after `button` (which gets `aria-expanded`), or
 * closes it if that button's menu is open.
 *
 * @example
 * ```ts ignore
 * button.addEventListener("click", () =>
 *   toggleMenu(button, "Actions", [{ label: "Reply", choose: () => reply() }]));
 * ```
 */
export function toggleMenu(
  button: HTMLButtonElement,
  label: string,
  items: readonly MenuItem[],
  options: {
    className?: string;
    focus?: number;
    /** False: laid out in the page's flow (the member list's menus), not floating. */
    floating?: boolean;
  } = {},
): void {
  if (open?.button === button) return closeMenu(button);
  closeMenu(open?.button, false);
  const entries = items.map((item) => {
    const entry = el("button", {
      className: item.className,
      attrs: { type: "button", role: "menuitem", tabindex: "-1" },
    }, item.label);
    if (item.name !== undefined) entry.setAttribute("aria-label", item.name);
    entry.addEventListener("click", (event) => {
      event.stopPropagation();
      closeMenu(button);
      item.choose();
    });
    return entry;
  });
  const menu = el(
    "ul",
    {
      className: `${options.floating === false ? "" : "popup-menu"} ${options.className ?? ""}`
        .trim(),
      attrs: { role: "menu", "aria-label": label },
    },
    ...entries.map((entry) => el("li", { attrs: { role: "none" } }, entry)),
  );
  menu.addEventListener("keydown", (event) => {
    const at = entries.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => entries[(to + entries.length) % entries.length].focus();
    switch (event.key) {
      case "ArrowDown":
      case "ArrowRight":
        move(at + 1);
        break;
      case "ArrowUp":
      case "ArrowLeft":
        move(at - 1);
        break;
      case "Home":
        move(0);
        break;
      case "End":
        move(entries.length - 1);
        break;
      case "Escape":
        // Not also the sidebar's (which folds it on a phone) or the search panel's Escape.
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
  entries.at(options.focus ?? 0)?.focus();
}

/** Closes the menu `button` opened, giving it the focus back unless told not to. */
export function closeMenu(button: HTMLButtonElement | undefined, focus = true): void {
  if (button === undefined || open?.button !== button) return;
  const { menu } = open;
  // Forgotten first: removing the focused menu fires its focusout, which closes it again.
  open = undefined;
  menu.remove();
  button.setAttribute("aria-expanded", "false");
  if (focus) button.focus();
}

/** A button that opens a menu: `aria-haspopup`, and arrow keys open it too. */
export function menuButton(
  label: string,
  text: string,
  open: (focus: number) => void,
  className?: string,
): HTMLButtonElement {
  const button = el("button", {
    className,
    attrs: {
      type: "button",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-label": label,
      title: label,
    },
  }, text);
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    open(0);
  });
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      open(event.key === "ArrowUp" ? -1 : 0);
    }
  });
  return button;
}
