/**
 * Rules and copies shared by the history stores, so that both accept, reject and return
 * exactly the same events.
 *
 * @module
 */
import { CHANGE_TYPES, type NewEvent, type StoredEvent } from "../chat/history_store.ts";

/** Why `event` cannot be stored: a file on the wrong type of event, or a file event without one. */
export function fileTypeProblem(event: NewEvent): TypeError | undefined {
  if ((event.type === "file") === (event.file !== undefined)) return undefined;
  return new TypeError(
    event.type === "file"
      ? 'An event of type "file" needs its file'
      : `An event of type "${event.type}" cannot carry a file`,
  );
}

/** Throws a `RangeError` unless `limit` is a page size. */
export function assertLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`Page limit ${limit} is not a non-negative integer`);
  }
}

/**
 * Copies only the fields that are set, as the SQLite store reads them back, so events of both
 * stores compare equal and no caller can change a stored event through an object it holds.
 */
export function copyEvent(event: NewEvent, id: number): StoredEvent {
  const stored: StoredEvent = {
    id,
    type: event.type,
    room: event.room,
    from: event.from,
    text: event.text,
    ts: event.ts,
  };
  if (event.to !== undefined) stored.to = event.to;
  if (event.event !== undefined) stored.event = event.event;
  if (event.nick !== undefined) stored.nick = event.nick;
  if (event.clientId !== undefined) stored.clientId = event.clientId;
  if (event.control !== undefined) stored.control = { ...event.control };
  if (event.replyTo !== undefined) stored.replyTo = event.replyTo;
  if (event.quote !== undefined) stored.quote = { ...event.quote };
  if (event.ref !== undefined) stored.ref = event.ref;
  if (event.emoji !== undefined) stored.emoji = event.emoji;
  if (event.remove === true) stored.remove = true;
  const read = event as Partial<StoredEvent>;
  if (read.edited === true) stored.edited = true;
  if (read.deleted === true) stored.deleted = true;
  if (read.reactions !== undefined) {
    stored.reactions = read.reactions.map(({ emoji, nicks }) => ({ emoji, nicks: [...nicks] }));
  }
  if (event.file !== undefined) {
    const { name, size, sha256, blob } = event.file;
    stored.file = { name, size, sha256, blob };
  }
  return stored;
}

/** Throws a `RangeError` unless `after` is an id cursor: a safe integer. */
export function assertAfter(after: number): void {
  if (!Number.isSafeInteger(after)) {
    throw new RangeError(`Cursor after=${after} is not an integer`);
  }
}

/**
 * Whether pages a person reads leave `event` out: a join or leave notice, or a change to a
 * message (the message comes as it reads now).
 */
export function leftOutOfPages(event: StoredEvent): boolean {
  return (event.type === "notice" && (event.event === "join" || event.event === "leave")) ||
    CHANGE_TYPES.includes(event.type);
}

/**
 * The message an `edit` names, built from the edit when a shared log erased it (PROTOCOL.md
 * section 3.6): what else it was (`original`) and the edit's text, room, author and recipient.
 * Undefined for an edit that does not say.
 */
export function messageFromEdit(edit: NewEvent): NewEvent | undefined {
  if (edit.original === undefined || edit.ref === undefined) return undefined;
  const { type, ts, replyTo } = edit.original;
  const message: NewEvent = { type, ts, room: edit.room, from: edit.from, text: edit.text };
  if (edit.to !== undefined) message.to = edit.to;
  if (replyTo !== undefined) message.replyTo = replyTo;
  return message;
}
