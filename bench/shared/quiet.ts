/**
 * Other people's work on a shared machine: waiting for it to stop before a run, and the share
 * of the CPUs above which it counts as busy.
 *
 * @module
 */
import { log } from "./log.ts";
import { machineUsage, readMachineCpu } from "./machine_cpu.ts";
import { sleep } from "./sleep.ts";

/** Above this share of all CPUs used by other processes, the machine counts as busy. */
export const QUIET_BUSY = 0.15;

/**
 * Waits up to `timeoutMs` for a second in which processes other than `ours` use little CPU
 * (on a shared machine, other people run tests); returns the share of the CPUs they used.
 */
export async function waitForQuiet(timeoutMs: number, ours: number[] = []): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const before = readMachineCpu();
    const started = performance.now();
    await sleep(1_000);
    const { othersSeconds } = machineUsage(before, readMachineCpu(), ours);
    const busy = othersSeconds / ((performance.now() - started) / 1000) /
      navigator.hardwareConcurrency;
    if (busy <= QUIET_BUSY) return busy;
    const share = `${(busy * 100).toFixed(0)} %`;
    if (performance.now() >= deadline) {
      log(`other processes keep ${share} of the CPUs busy; the figures will suffer`);
      return busy;
    }
    log(`waiting: other processes keep ${share} of the CPUs busy`);
  }
}
