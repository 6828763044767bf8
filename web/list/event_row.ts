/**
 * One line of the message list, made from the same display event the terminal prints: its
 * time, who it is from, and its text, each in its own element so the style sheet can set them
 * apart. A shared file's line gets its controls from file_row.ts.
 *
 * @module
 */
import { format as formatBytes } from "@std/fmt/bytes";
import { formatClock } from "../../src/client/clock.ts";
import type { DisplayEvent } from "../../src/client/display_event.ts";
import { el } from "../elements.ts";

/** Event types whose line names who wrote it. */
const AUTHORED = new Set(["message", "action", "private", "file"]);

/**
 * Renders `event` as a `div.event` with `data-type`, `data-id` and `data-history`; `self` is
 * this user's nick (own lines are marked `mine`, a private message names the other person).
 *
 * @example
 * ```ts ignore
 * list.append(renderEvent({ type: "message", from: "ben", text: "hi", id: 41 }, "ana"));
 * ```
 */
export function renderEvent(event: DisplayEvent, self: string): HTMLDivElement {
  const div = el("div", { className: "event", data: { type: event.type } });
  if (event.id !== undefined) div.dataset.id = String(event.id);
  if (event.history) div.dataset.history = "true";
  if (event.from === self && event.type !== "notice") div.classList.add("mine");
  const time = el("span", { className: "time" }, formatClock(event.ts, new Date()));
  if (event.ts !== undefined) time.title = new Date(event.ts).toLocaleString();
  div.append(time, " ");
  let from = AUTHORED.has(event.type) ? event.from ?? "" : "";
  if (event.type === "private") {
    const mine = event.from === self;
    div.append(el("span", { className: "label" }, mine ? "private to" : "private from"), " ");
    from = (mine ? event.to : event.from) ?? "";
  }
  const text = event.type === "file" && event.file !== undefined
    ? `shared ${event.file.name} (${formatBytes(event.file.size)})`
    : event.text;
  div.append(el("span", { className: "from" }, from), " ", el("span", { className: "text" }, text));
  return div;
}
