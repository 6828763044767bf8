import { MemoryHistoryStore } from "../../src/store/mod.ts";
import { historyStoreContract } from "./history_store_contract.ts";

historyStoreContract("MemoryHistoryStore", () => {
  const store = new MemoryHistoryStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});
