/**
 * What the tab says from outside the page: its title (tab_title.ts) and its icon with a badge
 * (badge_icon.ts), both carrying the unread count and whether something is for the reader.
 *
 * @module
 */
import { badgedIcon, svgDataUrl } from "./badge_icon.ts";
import { tabTitle, type UnreadTotals } from "./tab_title.ts";

/** The page's own icon, beside it on the server (index.html links it). */
const ICON_PATH = "/icon.svg";

/**
 * Sets the tab's title and icon.
 *
 * @example
 * ```ts ignore
 * const tab = new TabSignals();
 * tab.show("lobby", { unread: 3, attention: 1 }); // "(3!) lobby — chat", a red badge
 * ```
 */
export class TabSignals {
  /** The icon's SVG, fetched once from this server when the first badge is drawn. */
  #icon: Promise<string> | undefined;
  #shown = "";

  /** Shows `totals` for the place on screen, named `where`. */
  show(where: string, totals: UnreadTotals): void {
    document.title = tabTitle(where, totals);
    const key = `${totals.unread} ${totals.attention > 0}`;
    if (key === this.#shown) return;
    this.#shown = key;
    this.#drawIcon(totals);
  }

  async #drawIcon(totals: UnreadTotals): Promise<void> {
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (link === null) return;
    if (totals.unread === 0) {
      link.href = ICON_PATH;
      return;
    }
    this.#icon ??= fetch(ICON_PATH).then((response) => response.ok ? response.text() : "")
      .catch(() => "");
    const icon = await this.#icon;
    const drawn = `${totals.unread} ${totals.attention > 0}`;
    // A newer count may have been drawn while the icon was fetched.
    if (icon === "" || drawn !== this.#shown) return;
    link.href = svgDataUrl(badgedIcon(icon, totals));
  }
}
