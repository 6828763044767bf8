/**
 * A run's headline figures as it finishes, so that someone watching a long benchmark sees
 * each result at once rather than only in the final report.
 *
 * @module
 */
import type { WorkloadResult } from "./run.ts";

/** One run's figures in one line, for the progress log. */
export function summarize(result: WorkloadResult): string {
  const { latency } = result;
  const run = result.run === undefined ? "" : ` (run ${result.run})`;
  return `${result.server}, ${result.workload.label}${run}: ${result.received}/${result.expected} ` +
    `deliveries, p50 ${latency.p50Ms.toFixed(2)} ms, p99 ${latency.p99Ms.toFixed(2)} ms, max ` +
    `${latency.maxMs.toFixed(1)} ms, server ${result.serverMicrosPerDelivery.toFixed(3)} ` +
    `µs/delivery, generator CPU ${(result.generatorCpuShare * 100).toFixed(0)} %, errors ` +
    `${result.errorCount}`;
}
