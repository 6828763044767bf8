/**
 * `/mentions` in the page: the recent messages that mention the reader, each with its time,
 * room, author and text, and a button that takes them to that room.
 *
 * @module
 */
import { formatClock } from "../../src/client/clock.ts";
import type { ServerMessage } from "../../src/protocol/messages.ts";
import { el } from "../elements.ts";

/** The `mention_list` message. */
type MentionList = Extract<ServerMessage, { type: "mention_list" }>;

/**
 * The block the message list shows for a `mention_list`; `go(room)` takes the reader there.
 *
 * @example
 * ```ts ignore
 * list.block(mentionBlock(message, (room) => openRoom(room)));
 * ```
 */
export function mentionBlock(message: MentionList, go: (room: string) => void): HTMLElement {
  const { events, more } = message;
  const heading = events.length === 0
    ? "Nobody has mentioned you yet."
    : `Mentions of you${more ? ` (the newest ${events.length})` : ""}:`;
  const block = el(
    "div",
    { className: "event mention-list", data: { type: "system" } },
    el("span", { className: "text" }, heading),
  );
  if (events.length === 0) return block;
  const now = new Date();
  block.append(el(
    "ul",
    {},
    ...events.map((event) => {
      const button = el(
        "button",
        { attrs: { type: "button", "aria-label": `Go to ${event.room}` } },
        `#${event.room}`,
      );
      button.addEventListener("click", () => go(event.room));
      return el(
        "li",
        { data: { id: String(event.id) } },
        el("span", { className: "time" }, formatClock(event.ts, now)),
        " ",
        button,
        " ",
        el("span", { className: "from" }, event.from),
        " ",
        el("span", { className: "said" }, event.text),
      );
    }),
  ));
  return block;
}
