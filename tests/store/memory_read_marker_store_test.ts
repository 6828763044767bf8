import { MemoryReadMarkerStore } from "../../src/store/mod.ts";
import { readMarkerStoreContract } from "./read_marker_store_contract.ts";

readMarkerStoreContract("MemoryReadMarkerStore", () => {
  const store = new MemoryReadMarkerStore();
  return Promise.resolve({ store, cleanup: () => store.close() });
});
