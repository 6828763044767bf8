import { MemoryIdentityStore } from "../../src/store/mod.ts";
import { identityStoreContract } from "./identity_store_contract.ts";

identityStoreContract("MemoryIdentityStore", () => {
  const store = new MemoryIdentityStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});
