import { MemoryHistoryStore } from "../../src/store/mod.ts";
import { historyStoreContract } from "./history_store_contract.ts";
import { messageChangesContract } from "./message_changes_contract.ts";

for (const contract of [historyStoreContract, messageChangesContract]) {
  contract("MemoryHistoryStore", () => {
    const store = new MemoryHistoryStore();
    return Promise.resolve({ store, cleanup: () => store.close() });
  });
}
