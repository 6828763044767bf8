import type { ServerMessage } from "../protocol/mod.ts";

/**
 * Remembers the oldest event id seen in each room, so `/history` can ask for the page just
 * before it.
 */
export class HistoryCursor {
  readonly #oldest = new Map<string, number>();

  /** Notes the ids in a server message. */
  observe(message: ServerMessage): void {
    if (
      (message.type === "message" || message.type === "action" || message.type === "notice") &&
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
