import { MemorySessionStore } from "../../src/store/mod.ts";
import { sessionStoreContract } from "./session_store_contract.ts";

sessionStoreContract("MemorySessionStore", () => {
  const store = new MemorySessionStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});
