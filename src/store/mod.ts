/**
 * Room history storage: the {@linkcode HistoryStore} interface, an in-memory store for tests
 * and a durable SQLite store.
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
export * from "./history_store.ts";
export * from "./memory_history_store.ts";
export * from "./sqlite_history_store.ts";
export * from "./store_version_error.ts";
