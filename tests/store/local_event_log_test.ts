import { LocalEventLog, MemoryHistoryStore, SqliteHistoryStore } from "../../src/store/mod.ts";
import { eventLogContract } from "./event_log_contract.ts";

eventLogContract("LocalEventLog over MemoryHistoryStore", () => {
  const store = new MemoryHistoryStore();
  return Promise.resolve({ log: new LocalEventLog(store), cleanup: () => store.close() });
});

eventLogContract("LocalEventLog over SqliteHistoryStore", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_log_test_" });
  const store = SqliteHistoryStore.open(`${dir}/chat.db`);
  return {
    log: new LocalEventLog(store),
    cleanup: async () => {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});
