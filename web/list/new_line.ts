/**
 * The "New messages" line: above the first row the reader has not read, that someone else wrote
 * in the list's own place. A room's list also shows private messages as they arrive, but those
 * belong to their conversation (and are read there): they neither carry the line nor count as
 * the room's history.
 *
 * @module
 */
import type { Place } from "../../src/client/unread_tracker.ts";
import { separator } from "./row_layout.ts";

/** Rows a reader reads: what people write and share, not notices or the page's own lines. */
const READABLE = new Set(["message", "action", "file", "private"]);

/**
 * Whether a row (its `data-type` and `data-to`) is of the list's own `place`, as opposed to a
 * private message or file a room's list shows as it arrives.
 *
 * @example
 * ```ts ignore
 * ownsRow({ room: "lobby" }, "private", "ben"); // false
 * ownsRow({ with: "ben" }, "private", "ben"); // true
 * ```
 */
export function ownsRow(
  place: Place | undefined,
  type: string | undefined,
  to: string | undefined,
): boolean {
  const room = place === undefined || "room" in place;
  return !room || (type !== "private" && to === undefined);
}

/** A new "New messages" line. */
export function newMessagesLine(): HTMLElement {
  return separator("New messages", "new");
}

/**
 * Puts a "New messages" line into `list` above the first row after event `read` that someone
 * else wrote in `place`, and returns it; undefined when there is no such row.
 *
 * @example
 * ```ts ignore
 * const line = placeNewLine(page.messages, 41, { room: "lobby" });
 * ```
 */
export function placeNewLine(
  list: HTMLElement,
  read: number,
  place: Place | undefined,
): HTMLElement | undefined {
  for (const row of list.querySelectorAll<HTMLElement>(".event[data-id]")) {
    const { id, type, to } = row.dataset;
    if (Number(id) <= read || row.classList.contains("mine")) continue;
    if (!READABLE.has(type ?? "") || !ownsRow(place, type, to)) continue;
    const line = newMessagesLine();
    row.before(line);
    return line;
  }
  return undefined;
}
