import type { ServerMessage } from "../protocol/mod.ts";

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
      (message.type === "message" || message.type === "action" || message.type === "notice" ||
        message.type === "file") &&
      message.id < (this.#oldest.get(message.room) ?? Infinity)
    ) {
      this.#oldest.set(message.room, message.id);
    }
  }

  /** The id to page back from in `room`, or undefined to start from the newest. */
  before(room: string): number | undefined {
    return this.#oldest.get(room);
  }
}
