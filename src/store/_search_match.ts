/**
 * The memory history store's search, by the same rules as the SQLite index's
 * (`_sqlite_search.ts`): the same tokens, and the same visibility.
 *
 * @module
 */
import { MESSAGE_TYPES, type SearchRequest, type StoredEvent } from "../chat/history_store.ts";
import { matchesSearchTerms, parseSearchTerms } from "../chat/search_terms.ts";
import { nickKey } from "../protocol/names.ts";

/**
 * Whether an event is one `request` finds: the memory store's search, by the same rules as the
 * index's (what the person may see, the narrowing, the words).
 */
export function matchesSearch(request: SearchRequest): (event: StoredEvent) => boolean {
  const self = nickKey(request.nick);
  const rooms = new Set(request.rooms);
  const withKey = request.with === undefined ? undefined : nickKey(request.with);
  const fromKey = request.from === undefined ? undefined : nickKey(request.from);
  const terms = parseSearchTerms(request.text);
  return (event) => {
    if (!MESSAGE_TYPES.includes(event.type) || event.deleted === true) return false;
    if (request.before !== undefined && event.id >= request.before) return false;
    if (fromKey !== undefined && nickKey(event.from) !== fromKey) return false;
    if (event.to === undefined) {
      if (withKey !== undefined || !rooms.has(event.room)) return false;
      if (request.room !== undefined && event.room !== request.room) return false;
    } else {
      if (request.room !== undefined) return false;
      if (event.id <= (request.privatesAfter ?? 0)) return false;
      const from = nickKey(event.from);
      const to = nickKey(event.to);
      if (from !== self && to !== self) return false;
      if (withKey !== undefined && from !== withKey && to !== withKey) return false;
    }
    const text = event.file === undefined ? event.text : `${event.file.name} ${event.text}`;
    return matchesSearchTerms(terms, text);
  };
}
