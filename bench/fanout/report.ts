/**
 * The fan-out benchmark's figures as markdown: the setting, one table per workload, ratios of
 * chat to each reference taken in the same run, and whether the issue's two targets are met.
 *
 * @module
 */
import { type Machine, machineSummary } from "../shared/mod.ts";
import { uniqueWorkloads } from "./medians.ts";
import type { WorkloadResult } from "./run.ts";
import { renderVerdict } from "./verdict.ts";
import { renderWorkload } from "./workload_table.ts";

/** Everything one run of the benchmark measured. */
export interface FanoutReport {
  date: string;
  mode: "short" | "full" | "custom";
  invocation: string;
  code: string;
  machine: Machine;
  versions: Record<string, string>;
  commands: string[];
  configs: { name: string; text: string }[];
  results: WorkloadResult[];
  /** Runs measured again because other processes used over 5 % of the CPUs during them. */
  retried?: number;
  /** Top self-time functions of the chat server, when it ran with `--cpu-prof`. */
  profile?: string;
}

/** The markdown of a run. */
export function renderFanout(report: FanoutReport): string {
  const { machine } = report;
  const lines = [
    `## Fan-out, ${report.mode} mode`,
    "",
    `Run on ${report.date} with \`${report.invocation}\`, on ${report.code}.`,
    "",
    `${machineSummary(machine)}; ${
      Object.entries(report.versions).map(([name, version]) => `${name}: ${version}`).join("; ")
    }. The generator (one Deno process, one clock) and the server share the machine, on ` +
    "127.0.0.1.",
    "",
    "Workload: N clients join one room (`bench`, `#bench` on IRC); S = R senders each send one " +
    "message a second, spread evenly, so R messages a second in all; every other client " +
    "receives each message (chat answers its sender with an `ack`, IRC sends nothing back), so " +
    "N − 1 deliveries per message. Each server first runs a warm-up at the same rate (for V8's " +
    "JIT in the chat server, run from source with `deno run`; all servers alike), then the " +
    "measured window. Latency is from the send timestamp inside the message to its arrival. " +
    "Server CPU is utime + stime of its process (all threads, /proc/PID/stat) from the first " +
    "send to the last delivery, divided by deliveries. Chat also writes every message to SQLite " +
    "before it delivers it; the IRC servers keep nothing.",
    "",
    "Commands, run from the project folder (`PORT`, `PASSKEY` and `$TMP` are filled in by the " +
    "benchmark, which starts a fresh server for each server and workload):",
    "",
    "```sh",
    ...report.commands,
    "```",
    "",
  ];
  for (const workload of uniqueWorkloads(report.results)) {
    const rows = report.results.filter((result) => result.workload.label === workload);
    lines.push(...renderWorkload(rows), "");
  }
  lines.push(renderVerdict(report), "");
  if (report.retried) {
    lines.push(
      `${report.retried} run${report.retried === 1 ? " was" : "s were"} measured again because ` +
        `other processes used more than 5 % of the CPUs during ${
          report.retried === 1 ? "it" : "them"
        } (up to 3 tries; the least disturbed one is shown).`,
      "",
    );
  }
  const errors = report.results.flatMap((result) =>
    result.errors.map((error) =>
      `- ${result.server}, ${result.workload.label}: ${error.count} × ` +
      `${error.kind}${
        error.sample === "" ? "" : ` (first: \`${error.sample.replaceAll("`", "'")}\`)`
      }`
    )
  );
  if (errors.length > 0) lines.push("Errors seen:", "", ...errors, "");
  if (report.profile !== undefined) lines.push(report.profile, "");
  lines.push(
    "Generated configurations:",
    "",
    ...report.configs.flatMap((
      config,
    ) => [`${config.name}:`, "", "```", config.text.trimEnd(), "```", ""]),
  );
  return lines.join("\n").trimEnd();
}
