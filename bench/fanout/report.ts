/**
 * The fan-out benchmark's figures as markdown: one table per workload, ratios of chat to each
 * reference taken in the same run, and whether the issue's two targets are met.
 *
 * @module
 */
import type { WorkloadResult } from "./run.ts";
import { type Machine, machineSummary, median } from "../shared/mod.ts";

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

const REFERENCES = ["ngircd", "inspircd"] as const;

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

function uniqueWorkloads(results: WorkloadResult[]): string[] {
  return [...new Set(results.map((result) => result.workload.label))];
}

/** The table of one workload, and the ratios of chat to each reference. */
function renderWorkload(rows: WorkloadResult[]): string[] {
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

/** The issue's targets, judged on the run's own references. */
export function renderVerdict(report: FanoutReport): string {
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

function ratio(value: number, reference: number): string {
  return Number.isFinite(value) && Number.isFinite(reference) && reference > 0
    ? `${(value / reference).toFixed(2)}×`
    : "–";
}

function ms(value: number): string {
  return Number.isNaN(value)
    ? "–"
    : value < 10
    ? value.toFixed(2)
    : value < 100
    ? value.toFixed(1)
    : value.toFixed(0);
}

function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(0)} %` : "";
}
