/**
 * One workload's section of the fan-out report: a row per run of each server, their medians
 * when there were several runs, and chat's figures divided by each reference's.
 *
 * @module
 */
import { ms, percent, ratio } from "./format.ts";
import { mediansByServer } from "./medians.ts";
import type { WorkloadResult } from "./run.ts";

const REFERENCES = ["ngircd", "inspircd"] as const;

/** The table of one workload, and the ratios of chat to each reference. */
export function renderWorkload(rows: WorkloadResult[]): string[] {
  const { workload } = rows[0];
  const lines = [
    `### ${workload.label}: ${workload.clients.toLocaleString("en")} clients, ` +
    `${workload.rate} messages/s from ${rows[0].senders} senders, ${workload.seconds} s ` +
    `(warm-up ${workload.warmupSeconds} s)`,
    "",
    "| server | connect (s) | sent | deliveries expected | received | deliveries/s | p50 (ms) | " +
    "p99 (ms) | max (ms) | errors | server CPU (s) | server µs/delivery | server peak RSS " +
    "(MiB) | generator CPU | send lag max (ms) | others (CPU s) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | " +
    "---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const name = row.run === undefined ? row.server : `${row.server} #${row.run}`;
    lines.push(
      `| ${name} | ${row.connectSeconds.toFixed(2)} | ${row.sent} | ${
        row.expected.toLocaleString("en")
      } | ${row.received.toLocaleString("en")} | ${
        Math.round(row.deliveriesPerSecond).toLocaleString("en")
      } | ${ms(row.latency.p50Ms)} | ${ms(row.latency.p99Ms)} | ${
        ms(row.latency.maxMs)
      } | ${row.errorCount} | ${row.serverCpuSeconds.toFixed(2)} | ${
        row.serverMicrosPerDelivery.toFixed(3)
      } | ${(row.serverHwmKiB / 1024).toFixed(0)} | ${percent(row.generatorCpuShare)} | ${
        row.maxSendLagMs.toFixed(0)
      } | ${row.othersSeconds.toFixed(2)} |`,
    );
  }
  const medians = mediansByServer(rows);
  if (medians.length < rows.length) {
    const runs = Math.max(...rows.map((row) => row.run ?? 1));
    lines.push(
      "",
      `Median of the ${runs} runs of each server (received: the fewest of any run; errors: the ` +
        "most), which the ratios and the verdict below use:",
      "",
      "| server | received | deliveries/s | p50 (ms) | p99 (ms) | max (ms) | errors | server " +
        "µs/delivery | server peak RSS (MiB) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...medians.map((row) =>
        `| ${row.server} | ${row.received.toLocaleString("en")} | ${
          Math.round(row.deliveriesPerSecond).toLocaleString("en")
        } | ${ms(row.latency.p50Ms)} | ${ms(row.latency.p99Ms)} | ${
          ms(row.latency.maxMs)
        } | ${row.errorCount} | ${row.serverMicrosPerDelivery.toFixed(3)} | ${
          (row.serverHwmKiB / 1024).toFixed(0)
        } |`
      ),
    );
  }
  const chat = medians.find((row) => row.server === "chat");
  const references = medians.filter((row) =>
    (REFERENCES as readonly string[]).includes(row.server)
  );
  if (chat !== undefined && references.length > 0) {
    lines.push(
      "",
      `| chat ÷ | ${references.map((row) => row.server).join(" | ")} |`,
      `| --- |${references.map(() => " ---: |").join("")}`,
    );
    const figures: [string, (row: WorkloadResult) => number][] = [
      ["connect time", (row) => row.connectSeconds],
      ["deliveries received", (row) => row.received],
      ["deliveries/s", (row) => row.deliveriesPerSecond],
      ["latency p50", (row) => row.latency.p50Ms],
      ["latency p99", (row) => row.latency.p99Ms],
      ["latency max", (row) => row.latency.maxMs],
      ["server CPU µs/delivery", (row) => row.serverMicrosPerDelivery],
      ["server peak RSS", (row) => row.serverHwmKiB],
    ];
    for (const [name, figure] of figures) {
      lines.push(
        `| ${name} | ${references.map((row) => ratio(figure(chat), figure(row))).join(" | ")} |`,
      );
    }
  }
  lines.push(
    "",
    "Peak RSS is VmHWM at the end of the window (the peak since the server started, connect " +
      "phase included). Generator CPU is its CPU time over the window as a share of one CPU: " +
      "near 100 % it is saturated and its own queueing dominates latency. Send lag is how late " +
      "the generator sent against the schedule. Others is CPU time used meanwhile by processes " +
      "that are neither the server nor the generator.",
  );
  return lines;
}
