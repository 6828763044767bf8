/**
 * The two fan-out targets, judged against the references measured in the same run:
 * p99 latency at the low rate no worse than the better IRC server, and every delivery made at
 * the high rate for no more server CPU per delivery.
 *
 * @module
 */
import { ms, ratio } from "./format.ts";
import { mediansByServer, uniqueWorkloads } from "./medians.ts";
import type { WorkloadResult } from "./run.ts";

/** The targets, judged on the run's own references. */
export function renderVerdict(
  report: { mode: string; results: WorkloadResult[] },
): string {
  const sentences: string[] = [];
  const byWorkload = (index: number) => {
    const label = uniqueWorkloads(report.results)[index];
    return mediansByServer(report.results.filter((result) => result.workload.label === label));
  };
  const prefix = report.mode === "full" ? "" : `${report.mode}-mode analogue of `;
  const low = byWorkload(0);
  const lowChat = low.find((row) => row.server === "chat");
  const lowRefs = low.filter((row) => row.server !== "chat");
  if (lowChat !== undefined && lowRefs.length > 0) {
    const best = Math.min(...lowRefs.map((row) => row.latency.p99Ms));
    const met = lowChat.latency.p99Ms <= best && lowChat.received === lowChat.expected;
    sentences.push(
      `**${prefix}target 1 ${met ? "met" : "not met"}**: at ${lowChat.workload.rate} messages/s ` +
        `chat's p99 is ${ms(lowChat.latency.p99Ms)} ms against ${ms(best)} ms for the better ` +
        `reference (${ratio(lowChat.latency.p99Ms, best)})${ofRuns(low)}.`,
    );
  }
  const high = byWorkload(1);
  const highChat = high.find((row) => row.server === "chat");
  const highRefs = high.filter((row) => row.server !== "chat");
  if (highChat !== undefined && highRefs.length > 0) {
    const best = Math.min(...highRefs.map((row) => row.serverMicrosPerDelivery));
    const complete = highChat.received === highChat.expected && highChat.duplicates === 0;
    const met = complete && highChat.serverMicrosPerDelivery <= best;
    sentences.push(
      `**${prefix}target 2 ${met ? "met" : "not met"}**: at ${highChat.workload.rate} ` +
        `messages/s chat delivered ${highChat.received.toLocaleString("en")} of ` +
        `${highChat.expected.toLocaleString("en")} (${complete ? "all" : "not all"}), at ` +
        `${highChat.serverMicrosPerDelivery.toFixed(3)} µs of server CPU per delivery against ` +
        `${best.toFixed(3)} µs for the better reference ` +
        `(${ratio(highChat.serverMicrosPerDelivery, best)})${ofRuns(high)}.`,
    );
  }
  return sentences.join(" ");
}

/** " (medians of N runs)" when the rows are medians of several runs; empty otherwise. */
function ofRuns(rows: WorkloadResult[]): string {
  const runs = Math.max(...rows.map((row) => row.run ?? 1));
  return runs > 1 ? `, medians of ${runs} runs` : "";
}
