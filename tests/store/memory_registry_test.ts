import { MemoryRegistry } from "../../src/store/mod.ts";
import { registryContract } from "./registry_contract.ts";

registryContract(
  "MemoryRegistry",
  () => Promise.resolve({ registry: new MemoryRegistry(), cleanup: () => Promise.resolve() }),
);
