import { MemoryModerationStore } from "../../src/store/mod.ts";
import { moderationStoreContract } from "./moderation_store_contract.ts";

moderationStoreContract("MemoryModerationStore", () => {
  const store = new MemoryModerationStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});
