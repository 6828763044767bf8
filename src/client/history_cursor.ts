import { nickKey, type ServerMessage } from "../protocol/mod.ts";

/**
 * Remembers the oldest room event id seen in each room (private messages are not part of a
 * room's history), so `/history` can ask for the page just before it.
 *
 * @example
 * ```ts
 * import { HistoryCursor } from "./history_cursor.ts";
 * const cursor = new HistoryCursor();
 * cursor.observe({ type: "message", id: 41, ts: "2026-11-21T09:30:00.000Z", room: "lobby",
 *   from: "ada", text: "hi" });
 * cursor.before("lobby"); // 41
 * ```
 */
export class HistoryCursor {
  readonly #oldest = new Map<string, number>();

  /** Notes the ids in a server message. */
  observe(message: ServerMessage): void {
    if (
      message.type !== "message" && message.type !== "action" && message.type !== "notice" &&
      message.type !== "file" && message.type !== "private"
    ) {
      return;
    }
    const to = "to" in message ? message.to : undefined;
    // A private event belongs to the conversation of its two people, not to a room.
    const keys = to === undefined
      ? [message.room]
      : [`@${nickKey(message.from)}`, `@${nickKey(to)}`];
    for (const key of keys) {
      if (message.id < (this.#oldest.get(key) ?? Infinity)) this.#oldest.set(key, message.id);
    }
  }

  /** The id to page back from in `room`, or undefined to start from the newest. */
  before(room: string): number | undefined {
    return this.#oldest.get(room);
  }

  /** The id to page back from in the conversation with `nick`, or undefined for the newest. */
  beforeWith(nick: string): number | undefined {
    return this.#oldest.get(`@${nickKey(nick)}`);
  }
}
