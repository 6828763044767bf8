/**
 * What issue 18's messages look like as display events (PROTOCOL.md section 3.6): the state a
 * message carries (`reply_to`, `quote`, `edited`, `deleted`, `reactions`), the change events
 * (`edit`, `delete`, `reaction`, each naming its message in `ref`) and `search_results`. Kept
 * apart from display_event.ts so that the fields `--json` promises for these are stated in one
 * place.
 *
 * @module
 */
import type { ServerMessage } from "../protocol/mod.ts";
import type { DisplayEvent } from "./display_event.ts";
import type { SearchResults } from "./reconnecting_client.ts";

/** A result of `/search` or `chat search`. */
export type SearchResult = SearchResults["events"][number];

/** The state of a message as `--json` shows it; only what the message has. */
export type MessageState = Pick<
  DisplayEvent,
  "reply_to" | "quote" | "edited" | "deleted" | "reactions"
>;

/**
 * The fields of a message's state that it carries: `reply_to` and `quote` on a reply, `edited`,
 * `deleted` and `reactions` when it has them.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { messageState } from "./change_display.ts";
 *
 * assertEquals(
 *   messageState({ type: "message", id: 2, ts: "", room: "lobby", from: "ben", text: "yes",
 *     reply_to: 1, quote: { from: "ana", text: "lunch?" }, edited: true }),
 *   { reply_to: 1, quote: { from: "ana", text: "lunch?" }, edited: true },
 * );
 * ```
 */
export function messageState(
  message: Extract<ServerMessage, { type: "message" | "action" | "private" | "file" }>,
): MessageState {
  const state: MessageState = {};
  if (message.reply_to !== undefined) state.reply_to = message.reply_to;
  if (message.quote !== undefined) state.quote = message.quote;
  if (message.edited) state.edited = true;
  if (message.deleted) state.deleted = true;
  if (message.reactions !== undefined && message.reactions.length > 0) {
    state.reactions = message.reactions;
  }
  return state;
}

/**
 * The display event of a change (`edit`, `delete`, `reaction`) or of `search_results`, or
 * `undefined` for any other message. An edit's `text` is the new text and a delete's is `""`, as
 * the message now reads; a reaction's is a sentence.
 *
 * @example
 * ```ts
 * import { changeDisplayEvent } from "./change_display.ts";
 * changeDisplayEvent({ type: "reaction", id: 9, ts: "", room: "lobby", from: "ben", text: "",
 *   ref: 4, emoji: "👍" });
 * // { type: "reaction", ref: 4, emoji: "👍", from: "ben", text: "ben reacted 👍 to #4", … }
 * ```
 */
export function changeDisplayEvent(message: ServerMessage): DisplayEvent | undefined {
  switch (message.type) {
    case "edit":
    case "delete":
    case "reaction": {
      const { type, id, ts, room, from, to, ref, history } = message;
      const event: DisplayEvent = { type, id, ts, room, from, ref, text: message.text };
      if (to !== undefined) event.to = to;
      if (history) event.history = true;
      if (message.type === "delete") event.text = "";
      if (message.type === "reaction") {
        event.emoji = message.emoji;
        if (message.remove) event.remove = true;
        event.text = message.remove
          ? `${from} took back ${message.emoji} from #${ref}`
          : `${from} reacted ${message.emoji} to #${ref}`;
      }
      return event;
    }
    case "search_results":
      return {
        type: "system",
        event: "search",
        results: message.events,
        more: message.more,
        text: message.events.length === 0
          ? "No messages found."
          : `Found ${message.events.length}${message.more ? " (more with before:ID)" : ""}: ` +
            message.events.map((result) => `#${result.id} ${result.from}: ${result.text}`)
              .join("; ") +
            ".",
      };
    default:
      return undefined;
  }
}
