import type { AppendResult, HistoryStore, NewEvent } from "../chat/history_store.ts";
import type { EventLog, LoggedEvent, LogListener } from "../chat/event_log.ts";
import { replayThenFollow } from "./_follow.ts";

/** How many stored events a new follower is handed at a time while it catches up. */

/**
 * The {@linkcode EventLog} of a single server: its history store, whose followers are called as
 * each append commits, in id order, before the append's promise resolves. That keeps the order
 * the hub has always had: every member receives an event before its author's `ack`.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LocalEventLog } from "./local_event_log.ts";
 * import { MemoryHistoryStore } from "./memory_history_store.ts";
 *
 * const log = new LocalEventLog(new MemoryHistoryStore());
 * const seen: number[] = [];
 * await log.follow(0, ({ event }) => seen.push(event.id));
 * await log.append({ type: "message", room: "lobby", from: "ada", text: "hi", ts: 0 });
 * assertEquals(seen, [1]);
 * ```
 */
export class LocalEventLog implements EventLog {
  readonly #store: HistoryStore;
  readonly #listeners = new Set<LogListener>();

  constructor(store: HistoryStore) {
    this.#store = store;
  }

  async append(event: NewEvent, options: { origin?: string } = {}): Promise<AppendResult> {
    const result = await this.#store.append(event);
    if (result.created) {
      const logged: LoggedEvent = { event: result.event };
      if (options.origin !== undefined) logged.origin = options.origin;
      for (const listener of this.#listeners) listener(logged);
    }
    return result;
  }

  follow(afterId: number, listener: LogListener): Promise<() => void> {
    return replayThenFollow(this.#store, this.#listeners, afterId, listener);
  }
}
