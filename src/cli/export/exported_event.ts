/**
 * What `chat export` reads from, whichever way it reaches the history: the data dir's database
 * or a server it logs in to.
 *
 * @module
 */

/**
 * One event as exported: the JSON object that is its line in JSON Lines, every field its source
 * carries and nothing added. From the data dir it is the event as the history store holds it
 * (`ts` in milliseconds, `clientId`, the file's `blob`); from a server it is the event as the
 * protocol carries it (`ts` in ISO 8601). Kinds of events this code does not know are exported
 * all the same.
 */
export type ExportedEvent = Record<string, unknown> & {
  id: number;
  type: string;
  room: string;
  from: string;
  text: string;
  ts: number | string;
  to?: string;
  file?: { name: string; size: number; sha256: string };
};

/** What events to export. */
export interface Selection {
  /** Only this room's events (no private ones). */
  room?: string;
  /** Only events from this time on (milliseconds since the epoch). */
  since?: number;
}

/** Where `chat export` reads events and the bytes of files. */
export interface ExportSource extends AsyncDisposable {
  /** The selected events, in ascending id order. */
  events(selection: Selection): Promise<ExportedEvent[]>;
  /** Saves the bytes of the file shared by `event` at `path`. */
  saveFile(event: ExportedEvent, path: string): Promise<void>;
}

/** The time of `event` in milliseconds, whichever form its source gave. */
export function eventTime(event: ExportedEvent): number {
  return typeof event.ts === "number" ? event.ts : Date.parse(event.ts);
}

/** Whether `event` is in `selection`. */
export function selected(event: ExportedEvent, selection: Selection): boolean {
  if (selection.since !== undefined && eventTime(event) < selection.since) return false;
  return selection.room === undefined || (event.room === selection.room && event.to === undefined);
}
