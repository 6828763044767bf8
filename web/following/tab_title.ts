/**
 * The tab's title, which is what a reader sees of the chat from another tab or the task bar:
 * how many messages wait unread, and whether any of them is for them (a mention or a private
 * message), before the name of the place on screen.
 *
 * - `lobby — chat`: nothing unread;
 * - `(3) lobby — chat`: 3 unread messages;
 * - `(3!) lobby — chat`: 3 unread, at least one of them a mention of you or a private message.
 *
 * Pure, so it is tested without a browser.
 *
 * @module
 */

/** What is unread everywhere, as `UnreadTracker.totals` says. */
export interface UnreadTotals {
  unread: number;
  /** Mentions of the reader and private messages to them. */
  attention: number;
}

/**
 * The tab title for `where` (the place on screen, as the top bar names it) and `totals`.
 *
 * @example
 * ```ts
 * import { tabTitle } from "./tab_title.ts";
 * tabTitle("lobby", { unread: 0, attention: 0 }); // "lobby — chat"
 * tabTitle("lobby", { unread: 3, attention: 1 }); // "(3!) lobby — chat"
 * ```
 */
export function tabTitle(where: string, totals: UnreadTotals): string {
  const base = `${where} — chat`;
  if (totals.unread <= 0) return base;
  return `(${totals.unread}${totals.attention > 0 ? "!" : ""}) ${base}`;
}
