/**
 * How a place of the sidebar reads: its name and what waits there, as words for its accessible
 * name ("lobby, 3 unread, 1 mention") and as short numbers for its badges. Pure, so it is tested
 * without a browser.
 *
 * @module
 */

/** What waits in a place. */
export interface WaitingCounts {
  /** Messages, actions and files not read yet. */
  unread: number;
  /** Those of them that mention the reader. */
  mentions: number;
}

/**
 * The accessible name of a place's button: its name, then what waits there, if anything.
 *
 * @example
 * ```ts
 * import { placeLabel } from "./place_label.ts";
 * placeLabel("lobby", { unread: 3, mentions: 1 }); // "lobby, 3 unread, 1 mention"
 * placeLabel("lab", { unread: 0, mentions: 0 }); // "lab"
 * ```
 */
export function placeLabel(name: string, counts: WaitingCounts): string {
  const parts = [name];
  if (counts.unread > 0) parts.push(`${counts.unread} unread`);
  if (counts.mentions > 0) {
    parts.push(counts.mentions === 1 ? "1 mention" : `${counts.mentions} mentions`);
  }
  return parts.join(", ");
}

/**
 * A count as a badge shows it: at most two digits, so the badge keeps its size.
 *
 * @example
 * ```ts
 * import { badgeCount } from "./place_label.ts";
 * badgeCount(7); // "7"
 * badgeCount(250); // "99+"
 * ```
 */
export function badgeCount(count: number): string {
  return count > 99 ? "99+" : String(count);
}
