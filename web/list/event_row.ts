/**
 * One line of the message list, made from the same display event the terminal prints: its
 * time, who it is from, and its text, each in its own element so the style sheet can set them
 * apart. What people write is Markdown, built into elements (markdown_dom.ts): web addresses
 * become links and `@nick` mentions are marked, the reader's own strongly; a message of only a
 * few emoji is shown larger (`emoji-only`). A shared file's line gets
 * its controls from file_row.ts.
 *
 * @module
 */
import { format as formatBytes } from "@std/fmt/bytes";
import { formatClock } from "../../src/client/clock.ts";
import { isEmojiOnly } from "../../src/client/emoji/is_emoji_only.ts";
import type { DisplayEvent } from "../../src/client/display_event.ts";
import { mentions } from "../../src/protocol/mentions.ts";
import { el } from "../elements.ts";
import { localDay } from "./days.ts";
import { markdownNodes } from "./markdown_dom.ts";

/** Event types whose line names who wrote it. */
const AUTHORED = new Set(["message", "action", "private", "file"]);
/** Event types whose text is what someone wrote, with links and mentions. */
const WRITTEN = new Set(["message", "action", "private"]);

/** How a row is shown. */
export interface RowOptions {
  /**
   * In the list of a private conversation, where everything is private: a private message
   * names its author, like any message, instead of "private to/from" the other person.
   */
  conversation?: boolean;
}

/**
 * Renders `event` as a `div.event` with `data-type`, `data-id`, `data-history` and `data-day`
 * (its local day), `data-to` for something sent to one person, and for a notice `data-event`
 * and `data-from`; `self` is this user's nick (own lines are marked `mine`, lines that mention
 * this user `mentioned`, a private message in a room's list names the other person).
 *
 * @example
 * ```ts ignore
 * list.append(renderEvent({ type: "message", from: "ben", text: "hi", id: 41 }, "ana"));
 * ```
 */
export function renderEvent(
  event: DisplayEvent,
  self: string,
  options: RowOptions = {},
): HTMLDivElement {
  const div = el("div", { className: "event", data: { type: event.type } });
  if (event.id !== undefined) div.dataset.id = String(event.id);
  if (event.to !== undefined) div.dataset.to = event.to;
  if (event.history) div.dataset.history = "true";
  if (event.ts !== undefined) div.dataset.day = localDay(new Date(event.ts));
  if (event.type === "notice") {
    div.dataset.event = event.event ?? "";
    div.dataset.from = event.from ?? "";
  }
  if (event.from === self && event.type !== "notice") div.classList.add("mine");
  const time = el("span", { className: "time" }, formatClock(event.ts, new Date()));
  if (event.ts !== undefined) time.title = new Date(event.ts).toLocaleString();
  div.append(time, " ");
  let from = AUTHORED.has(event.type) ? event.from ?? "" : "";
  if (event.type === "private" && !options.conversation) {
    const mine = event.from === self;
    div.append(el("span", { className: "label" }, mine ? "private to" : "private from"), " ");
    from = (mine ? event.to : event.from) ?? "";
  }
  div.append(el("span", { className: "from" }, from), " ");
  if (!WRITTEN.has(event.type)) {
    const text = event.type === "file" && event.file !== undefined
      ? `shared ${event.file.name} (${formatBytes(event.file.size)})`
      : event.text;
    div.append(el("span", { className: "text" }, text));
    return div;
  }
  if (event.from !== self && mentions(event.text, self)) {
    div.classList.add("mentioned");
    // Said, not only coloured: screen readers read it, and the line has a bar besides its tint.
    div.append(el("span", { className: "visually-hidden" }, "(mentions you)"), " ");
  }
  // One's own line marks no mention of oneself.
  const reader = event.from === self ? "" : self;
  const text = el("span", { className: "text" }, ...markdownNodes(event.text, reader));
  if (isEmojiOnly(event.text)) text.classList.add("emoji-only");
  div.append(text);
  return div;
}
