/**
 * What in the chat is for you: lines that mention you by the protocol's one rule
 * (`mentions()` in src/protocol/mentions.ts), and private messages. A client marks the first
 * (`--json`'s `mention`, the terminal's highlight) and rings or notifies for both while live.
 *
 * @module
 */
import { mentions, nickKey } from "../protocol/mod.ts";
import type { DisplayEvent } from "./display_event.ts";

/**
 * The event with `mention: true` if someone else's message, action or private message in it
 * mentions `self` (`@self`), else the event as it is.
 *
 * @example
 * ```ts
 * import { markMention } from "./attention.ts";
 * markMention({ type: "message", from: "ben", text: "@ana look" }, "ana").mention; // true
 * markMention({ type: "message", from: "ben", text: "hello" }, "ana").mention; // undefined
 * ```
 */
export function markMention(event: DisplayEvent, self: string): DisplayEvent {
  return isMention(event, self) ? { ...event, mention: true } : event;
}

/**
 * Whether an event should get your attention now (the terminal's bell): it mentions you or is
 * a private message to you, and it is live, not replayed history. Your own lines never do.
 *
 * @example
 * ```ts
 * import { callsForAttention } from "./attention.ts";
 * callsForAttention({ type: "private", from: "ben", to: "ana", text: "psst" }, "ana"); // true
 * callsForAttention({ type: "message", from: "ben", text: "@ana", history: true }, "ana"); // false
 * ```
 */
export function callsForAttention(event: DisplayEvent, self: string): boolean {
  if (event.history) return false;
  return isMention(event, self) || (event.type === "private" && fromSomeoneElse(event, self));
}

function isMention(event: DisplayEvent, self: string): boolean {
  return (event.type === "message" || event.type === "action" || event.type === "private") &&
    fromSomeoneElse(event, self) && mentions(event.text, self);
}

function fromSomeoneElse(event: DisplayEvent, self: string): boolean {
  return event.from !== undefined && self !== "" && nickKey(event.from) !== nickKey(self);
}
