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
export * from "./blob_store.ts";
export * from "./disk_blob_store.ts";
export * from "./history_store.ts";
export * from "./memory_blob_store.ts";
export * from "./memory_history_store.ts";
export * from "./sqlite_history_store.ts";
export * from "./store_version_error.ts";
export * from "./session_store.ts";
export * from "./memory_session_store.ts";
export * from "./sqlite_session_store.ts";
