import { MemoryFailureCounter } from "../../src/store/memory_failure_counter.ts";
import { failureCounterContract } from "./failure_counter_contract.ts";

failureCounterContract("MemoryFailureCounter", () => {
  const counter = new MemoryFailureCounter();
  return Promise.resolve({ counter, cleanup: () => counter.close() });
});
