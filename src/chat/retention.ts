import type { BlobStore } from "./blob_store.ts";
import type { HistoryStore } from "./history_store.ts";
import type { ReadMarkerStore } from "./read_marker_store.ts";
import type { SessionStore } from "./session_store.ts";

/**
 * What the host keeps and deletes: events and the bytes of the files they shared go together,
 * so that no file outlives every event that offered it, and none is deleted while an event still
 * offers it (identical files share one blob). Only the interfaces are used, so a cluster's stores
 * delete the same way.
 *
 * @module
 */

/** The stores that hold what was said and shared. */
export interface KeptStores {
  history: HistoryStore;
  blobs: BlobStore;
}

/** What a deletion removed. */
export interface Removed {
  /** Events deleted, of every room and kind. */
  events: number;
  /** Files whose bytes were deleted. */
  files: number;
}

/**
 * Deletes every event older than `before` (milliseconds since the epoch) and the bytes of the
 * files no remaining event offers.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryBlobStore, MemoryHistoryStore } from "../store/mod.ts";
 * import { deleteOlderThan } from "./retention.ts";
 *
 * const history = new MemoryHistoryStore();
 * await history.append({ type: "message", room: "lobby", from: "ada", text: "old", ts: 1 });
 * const removed = await deleteOlderThan({ history, blobs: new MemoryBlobStore() }, 2);
 * assertEquals(removed, { events: 1, files: 0 });
 * ```
 */
export async function deleteOlderThan(stores: KeptStores, before: number): Promise<Removed> {
  const deleted = await stores.history.deleteBefore(before);
  return { events: deleted.events, files: await deleteBlobs(stores.blobs, deleted.blobs) };
}

/**
 * Empties the history: every event, every file's bytes and every interrupted upload, every read
 * marker and every resumable session. Identities (devices, owned nicks) are other stores and
 * stay, so people remain signed in.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import {
 *   MemoryBlobStore,
 *   MemoryHistoryStore,
 *   MemoryReadMarkerStore,
 *   MemorySessionStore,
 * } from "../store/mod.ts";
 * import { wipeHistory } from "./retention.ts";
 *
 * const history = new MemoryHistoryStore();
 * await history.append({ type: "message", room: "lobby", from: "ada", text: "hi", ts: 1 });
 * const removed = await wipeHistory({
 *   history,
 *   blobs: new MemoryBlobStore(),
 *   readMarkers: new MemoryReadMarkerStore(),
 *   sessions: new MemorySessionStore(),
 * });
 * assertEquals(removed, { events: 1, files: 0 });
 * ```
 */
export async function wipeHistory(
  stores: KeptStores & { readMarkers: ReadMarkerStore; sessions: SessionStore },
): Promise<Removed> {
  const deleted = await stores.history.wipe();
  await stores.readMarkers.wipe();
  await stores.sessions.wipe();
  // Every blob goes, named by an event or not (an upload committed just before a crash, say).
  const files = await stores.blobs.wipe();
  return { events: deleted.events, files };
}

async function deleteBlobs(blobs: BlobStore, keys: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const key of keys) if (await blobs.delete(key)) deleted++;
  return deleted;
}
