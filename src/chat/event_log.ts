import type { AppendResult, NewEvent, StoredEvent } from "./history_store.ts";

/** An event as the log hands it to those who follow it. */
export interface LoggedEvent {
  event: StoredEvent;
  /**
   * The member that caused it, as `Member.id`, when it should not receive it (it gets an `ack`
   * or nothing instead). Carried by the log, never stored.
   */
  origin?: string;
}

/** Receives each event of the log once, in id order. */
export type LogListener = (logged: LoggedEvent) => void;

/**
 * The append-only log of everything that happens in the rooms: it assigns event ids, and every
 * server that follows it delivers to its own connections. On one machine the log is the history
 * store and its followers are called as each append commits; a cluster puts it on a replicated
 * stream (NATS JetStream), where a node follows the stream from its last id. The hub only ever
 * appends and follows, so it never knows which.
 */
export interface EventLog {
  /**
   * Appends `event` and resolves once it is durable, with its id; an event whose `clientId` is
   * already stored is not appended again (`created: false`, and followers are not called).
   */
  append(event: NewEvent, options?: { origin?: string }): Promise<AppendResult>;
  /**
   * Calls `listener` with every event whose id is above `afterId`: those already stored first,
   * then each one appended from now on, in id order and each once. Resolves, once the stored ones
   * have been handed over, with a function that stops following.
   */
  follow(afterId: number, listener: LogListener): Promise<() => void>;
}
