import { nickKey } from "../protocol/names.ts";

/** A room, or a private conversation with the person whose nick `with` names. */
export type Place = { room: string } | { with: string };

/**
 * The key a place is stored under: `#room` for a room (rooms are stored lowercased) and
 * `@` and the nick's `nickKey()` for a conversation, so `@Ana` and `@ana` are one place.
 *
 * @example
 * ```ts
 * import { placeKey } from "./read_marker_store.ts";
 * placeKey({ room: "lobby" }); // "#lobby"
 * placeKey({ with: "Ana" }); // "@ana"
 * ```
 */
export function placeKey(place: Place): string {
  return "room" in place ? `#${place.room}` : `@${nickKey(place.with)}`;
}

/** The place a key of {@linkcode placeKey} stands for (a conversation's nick as its key). */
export function placeOfKey(key: string): Place {
  return key.startsWith("#") ? { room: key.slice(1) } : { with: key.slice(1) };
}

/**
 * Read markers: for each person (an owner of devices and nicks), the newest event id they have
 * read in each place they follow. A marker is written when a person reads, never when a message
 * is delivered, so it costs nothing per delivery. On one machine it is a table of the chat
 * database; a cluster keeps it in a replicated key-value store.
 */
export interface ReadMarkerStore {
  /**
   * Moves `owner`'s marker in `place` (a {@linkcode placeKey}) up to `id`, or creates it; a
   * marker never moves back. Resolves with the marker as it is now.
   *
   * @throws {RangeError} when `id` is not a non-negative integer.
   */
  mark(owner: string, place: string, id: number): Promise<number>;
  /** Every marker of `owner`: place key → id. */
  markers(owner: string): Promise<Map<string, number>>;
  /** Deletes every marker of everyone, for good (as `HistoryStore.deleteBefore` deletes). */
  wipe(): Promise<void>;
  /** Releases the store. */
  close(): Promise<void>;
}
