/**
 * Storage: room history behind the {@linkcode HistoryStore} interface (in memory for tests,
 * durable in SQLite) and the bytes of shared files behind the {@linkcode BlobStore} interface
 * (in memory for tests, durable in a folder).
 *
 * @example Open a durable store
 * ```ts
 * import { SqliteHistoryStore } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = SqliteHistoryStore.open(`${dir}/chat.db`);
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
// The interfaces these implement belong to the domain (src/chat); they are exported here too, so
// that a user of a store needs one import.
export * from "../chat/blob_store.ts";
export * from "../chat/event_log.ts";
export * from "../chat/registry.ts";
export * from "../chat/history_store.ts";
export * from "../chat/identity_store.ts";
export * from "../chat/session_store.ts";
export * from "./disk_blob_store.ts";
export * from "./local_event_log.ts";
export * from "./memory_blob_store.ts";
export * from "./memory_history_store.ts";
export * from "./memory_identity_store.ts";
export * from "./memory_registry.ts";
export * from "./memory_session_store.ts";
export * from "./sqlite_history_store.ts";
export * from "./sqlite_identity_store.ts";
export * from "./sqlite_session_store.ts";
export * from "./store_version_error.ts";
export * from "../chat/read_marker_store.ts";
export * from "./memory_read_marker_store.ts";
export * from "./sqlite_read_marker_store.ts";
export * from "../chat/moderation_store.ts";
export * from "./memory_moderation_store.ts";
export * from "./sqlite_moderation_store.ts";
