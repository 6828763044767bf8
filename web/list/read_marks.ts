/**
 * How far the reader has read in each room: the newest event id they have seen there, which puts
 * the "New messages" line where they left off when they come back. Kept in this browser for
 * now; server-side read markers can take its place behind the same interface.
 *
 * @module
 */
import { recall, remember } from "../storage.ts";

/** Rooms remembered; the ones seen longest ago are forgotten first. */
const MAX_ROOMS = 200;

/** Where the reader left off in each room. */
export interface ReadMarks {
  /** The newest event id seen in `room`, or undefined if they have never been there. */
  lastSeen(room: string): number | undefined;
  /** The reader has seen `room` up to event `id`; an older id changes nothing. */
  markSeen(room: string, id: number): void;
}

/**
 * Read marks kept in this browser's localStorage (`chat-seen`, a JSON object of room → id).
 *
 * @example
 * ```ts ignore
 * const marks = browserReadMarks();
 * marks.markSeen("lobby", 41);
 * marks.lastSeen("lobby"); // 41
 * ```
 */
export function browserReadMarks(): ReadMarks {
  const load = (): Record<string, number> => {
    try {
      const stored = JSON.parse(recall("chat-seen") ?? "{}");
      return typeof stored === "object" && stored !== null ? stored : {};
    } catch {
      return {};
    }
  };
  return {
    lastSeen(room) {
      const id = load()[room];
      return Number.isSafeInteger(id) ? id : undefined;
    },
    markSeen(room, id) {
      const marks = load();
      if ((marks[room] ?? 0) >= id) return;
      // Re-inserted, so the object's order is the order rooms were last read in.
      delete marks[room];
      marks[room] = id;
      const rooms = Object.keys(marks);
      for (const old of rooms.slice(0, Math.max(0, rooms.length - MAX_ROOMS))) delete marks[old];
      remember("chat-seen", JSON.stringify(marks));
    },
  };
}
