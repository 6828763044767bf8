/**
 * Several runs of a workload against each server reduced to one row per server. A latency at
 * 50 messages/s varies by a millisecond or two between runs, as much as the servers differ,
 * so the full mode judges medians; deliveries take the worst run, so that a lost message in
 * any run shows.
 *
 * @module
 */
import { median } from "../shared/mod.ts";
import type { WorkloadResult } from "./run.ts";

/** The workloads' labels, in the order they ran. */
export function uniqueWorkloads(results: WorkloadResult[]): string[] {
  return [...new Set(results.map((result) => result.workload.label))];
}

/**
 * One row per server: the row itself when it ran once, else the medians of its runs (deliveries
 * received: the fewest; errors: the most), with `run` set to the number of runs.
 */
export function mediansByServer(rows: WorkloadResult[]): WorkloadResult[] {
  const servers = [...new Set(rows.map((row) => row.server))];
  return servers.map((server) => {
    const runs = rows.filter((row) => row.server === server);
    if (runs.length === 1) return runs[0];
    const medianOf = (figure: (row: WorkloadResult) => number) => median(runs.map(figure));
    return {
      ...runs[0],
      run: runs.length,
      connectSeconds: medianOf((row) => row.connectSeconds),
      received: Math.min(...runs.map((row) => row.received)),
      duplicates: Math.max(...runs.map((row) => row.duplicates)),
      deliveriesPerSecond: medianOf((row) => row.deliveriesPerSecond),
      latency: {
        p50Ms: medianOf((row) => row.latency.p50Ms),
        p99Ms: medianOf((row) => row.latency.p99Ms),
        maxMs: medianOf((row) => row.latency.maxMs),
      },
      errorCount: Math.max(...runs.map((row) => row.errorCount)),
      serverCpuSeconds: medianOf((row) => row.serverCpuSeconds),
      serverMicrosPerDelivery: medianOf((row) => row.serverMicrosPerDelivery),
      serverHwmKiB: medianOf((row) => row.serverHwmKiB),
    };
  });
}
