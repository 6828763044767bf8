import type { HistoryStore } from "../chat/history_store.ts";
import type { LoggedEvent, LogListener } from "../chat/event_log.ts";

/** Events read back from the store at a time when a follower starts. */
const REPLAY_PAGE = 1000;

/**
 * What an event log's `follow()` does whatever the log: hands `listener` the events `store`
 * holds above `afterId`, then adds it to `listeners`, the set the log calls with each new event.
 * Events that arrive while the store is read wait, and are handed over after it unless the
 * reading already covered them: none is missed and none repeated. Resolves with what stops it.
 */
export async function replayThenFollow(
  store: HistoryStore,
  listeners: Set<LogListener>,
  afterId: number,
  listener: LogListener,
): Promise<() => void> {
  const waiting: LoggedEvent[] = [];
  const buffer: LogListener = (logged) => waiting.push(logged);
  listeners.add(buffer);
  let last = afterId;
  try {
    for (;;) {
      const page = await store.events({ after: last, limit: REPLAY_PAGE });
      for (const event of page) listener({ event });
      if (page.length > 0) last = page[page.length - 1].id;
      if (page.length < REPLAY_PAGE) break;
    }
  } finally {
    listeners.delete(buffer);
  }
  for (const logged of waiting) if (logged.event.id > last) listener(logged);
  listeners.add(listener);
  return () => listeners.delete(listener);
}
