/**
 * The cluster benchmark's figures as markdown: each workload on one node and on the cluster side
 * by side with their ratio, then each fault with its timeline and what the clients saw of it
 * (deliveries by event id, gaps, duplicates, reconnects, silences), and the node log lines that
 * say what the nodes went through.
 *
 * @module
 */
import { ms, percent, ratio, type WorkloadResult } from "../fanout/mod.ts";
import { type Machine, machineSummary } from "../shared/mod.ts";
import type { LedgerCheck } from "./delivery_ledger.ts";
import { FAULT_TITLES, type FaultName } from "./faults.ts";

/** One run: a workload against the single node or the cluster, with or without a fault. */
export interface ClusterRun {
  target: "single node" | "cluster";
  fault?: FaultName;
  result: WorkloadResult;
  check: LedgerCheck;
  /** Messages sent (warm-up and window) that no `ack` answered by the end. */
  unacked: number;
  timeline: string[];
  /** Lines the chat nodes logged during the run, each prefixed with its node. */
  logs: string[];
}

/** Everything one run of the benchmark measured. */
export interface ClusterReport {
  date: string;
  mode: "short" | "full" | "custom";
  invocation: string;
  code: string;
  machine: Machine;
  natsVersion: string;
  commands: string[];
  runs: ClusterRun[];
}

/** What must hold of every run: what does not, one sentence each. */
export function failures(runs: readonly ClusterRun[]): string[] {
  const found: string[] = [];
  for (const run of runs) {
    const name = `${run.target}, ${run.fault ?? run.result.workload.label}`;
    const { check, result } = run;
    if (check.missingAcked > 0) {
      found.push(
        `${name}: ${check.missingAcked} deliveries of acknowledged messages never arrived`,
      );
    }
    if (check.duplicateIds > 0) {
      found.push(`${name}: ${check.duplicateIds} events delivered twice to one client (same id)`);
    }
    if (check.storedTwice.length > 0) {
      found.push(`${name}: ${check.storedTwice.length} messages stored twice under two ids`);
    }
    if (result.duplicates > 0) {
      found.push(`${name}: ${result.duplicates} deliveries of a message a client already had`);
    }
    if (run.fault === undefined && result.received !== result.expected) {
      found.push(`${name}: ${result.received} of ${result.expected} deliveries`);
    }
  }
  return found;
}

/** The markdown of a run of the benchmark. */
export function renderCluster(report: ClusterReport): string {
  const lines = [
    `## Cluster, ${report.mode} mode`,
    "",
    `Run on ${report.date} with \`${report.invocation}\`, on ${report.code}.`,
    "",
    `${machineSummary(report.machine)}; ${report.natsVersion}. Everything on 127.0.0.1: the ` +
    "generator (one Deno process, one clock), three nats-servers (JetStream, the event stream " +
    "with 3 replicas) and three `chat serve --nats` nodes, or one `chat serve` alone as the " +
    "reference, with the same clients and rates in the same run.",
    "",
    "Workload as in the fan-out benchmark: N clients in one room, R senders each sending one " +
    "message a second; client i joins node i mod 3, knowing all three (as `chat join a,b,c`), and " +
    "when its node dies it joins another with `since` (the largest id it saw) and resends what " +
    "has no `ack` under the same `rid`. Deliveries are counted twice: by the message's marker " +
    "(received, duplicates, latency) and by event id per client (missing acknowledged ids, ids " +
    "delivered twice, messages stored under two ids). Server CPU is utime + stime of every " +
    "process of the server (three chat nodes and three nats-servers, or the one node), from the " +
    "first send to the last delivery, divided by deliveries.",
    "",
    "```sh",
    ...report.commands,
    "```",
    "",
  ];
  const steady = report.runs.filter((run) => run.fault === undefined);
  for (const label of [...new Set(steady.map((run) => run.result.workload.label))]) {
    lines.push(...renderSteady(steady.filter((run) => run.result.workload.label === label)), "");
  }
  const faults = report.runs.filter((run) => run.fault !== undefined);
  if (faults.length > 0) lines.push(...renderFaults(faults), "");
  const found = failures(report.runs);
  lines.push(
    found.length === 0
      ? "**Every acknowledged message reached every client exactly once, in every run.**"
      : `**Failed:** ${found.join("; ")}.`,
  );
  return lines.join("\n").trimEnd();
}

/** One workload: the single node and the cluster, and the cluster's figures over the node's. */
function renderSteady(runs: ClusterRun[]): string[] {
  const { workload } = runs[0].result;
  const figures: [string, (run: ClusterRun) => string, ((run: ClusterRun) => number)?][] = [
    ["server processes", (run) => (run.target === "cluster" ? "3 chat + 3 nats" : "1 chat")],
    [
      "connect (s)",
      (run) => run.result.connectSeconds.toFixed(2),
      (run) => run.result.connectSeconds,
    ],
    [
      "messages sent / acknowledged (with warm-up)",
      (run) => `${run.result.sent + run.result.warmup.sent} / ${run.check.acked}`,
    ],
    ["deliveries expected", (run) => run.result.expected.toLocaleString("en")],
    [
      "received (by marker)",
      (run) => run.result.received.toLocaleString("en"),
      (run) => run.result.received,
    ],
    ["missing acknowledged (by id)", (run) => String(run.check.missingAcked)],
    [
      "same id twice / stored twice",
      (run) => `${run.check.duplicateIds} / ${run.check.storedTwice.length}`,
    ],
    ["latency p50 (ms)", (run) => ms(run.result.latency.p50Ms), (run) => run.result.latency.p50Ms],
    ["latency p99 (ms)", (run) => ms(run.result.latency.p99Ms), (run) => run.result.latency.p99Ms],
    ["latency max (ms)", (run) => ms(run.result.latency.maxMs), (run) => run.result.latency.maxMs],
    [
      "server CPU (s)",
      (run) => run.result.serverCpuSeconds.toFixed(2),
      (run) => run.result.serverCpuSeconds,
    ],
    [
      "server CPU µs/delivery",
      (run) => run.result.serverMicrosPerDelivery.toFixed(3),
      (run) => run.result.serverMicrosPerDelivery,
    ],
    ["server peak RSS, all processes (MiB)", (run) => (run.result.serverHwmKiB / 1024).toFixed(0), (
      run,
    ) => run.result.serverHwmKiB],
    ["generator CPU", (run) => percent(run.result.generatorCpuShare)],
    ["errors", (run) => String(run.result.errorCount)],
    ["others (CPU s)", (run) => run.result.othersSeconds.toFixed(2)],
  ];
  const single = runs.find((run) => run.target === "single node");
  const cluster = runs.find((run) => run.target === "cluster");
  const lines = [
    `### ${workload.label}: ${workload.clients.toLocaleString("en")} clients, ${workload.rate} ` +
    `messages/s from ${runs[0].result.senders} senders, ${workload.seconds} s (warm-up ` +
    `${workload.warmupSeconds} s)`,
    "",
    `| | ${runs.map((run) => run.target).join(" | ")} | cluster ÷ single node |`,
    `| --- |${runs.map(() => " ---: |").join("")} ---: |`,
  ];
  for (const [name, text, value] of figures) {
    const quotient = value !== undefined && single !== undefined && cluster !== undefined
      ? ratio(value(cluster), value(single))
      : "";
    lines.push(`| ${name} | ${runs.map(text).join(" | ")} | ${quotient} |`);
  }
  lines.push(...errorLines(runs));
  return lines;
}

/** Every fault: a row of what the clients saw, then each one's timeline, samples and logs. */
function renderFaults(runs: ClusterRun[]): string[] {
  const { workload } = runs[0].result;
  const lines = [
    `### Faults under load: ${workload.clients.toLocaleString("en")} clients, ${workload.rate} ` +
    `messages/s, ${workload.seconds} s windows (warm-up ${workload.warmupSeconds} s), a fresh ` +
    "cluster for each",
    "",
    "| fault | sent | acknowledged | never acknowledged | deliveries expected | received | " +
    "missing acknowledged (by id) | same id twice | stored twice | reconnects (slowest, ms) | " +
    "longest silence (ms, client) | median longest silence (ms) | p50 / p99 / max (ms) | " +
    "server µs/delivery | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | " +
    "---: | ---: |",
  ];
  for (const run of runs) {
    const { result, check } = run;
    const { latency } = result;
    lines.push(
      `| ${FAULT_TITLES[run.fault!]} | ${result.sent + result.warmup.sent} | ${check.acked} | ` +
        `${run.unacked} | ${result.expected.toLocaleString("en")} | ` +
        `${result.received.toLocaleString("en")} | ${check.missingAcked} | ` +
        `${check.duplicateIds} | ${check.storedTwice.length} | ${check.reconnects} ` +
        `(${check.slowestReconnect.ms.toFixed(0)}) | ${check.longestSilence.ms.toFixed(0)} ` +
        `(f${check.longestSilence.client}) | ${check.medianSilenceMs.toFixed(0)} | ` +
        `${ms(latency.p50Ms)} / ${ms(latency.p99Ms)} / ${ms(latency.maxMs)} | ` +
        `${result.serverMicrosPerDelivery.toFixed(3)} | ${result.errorCount} |`,
    );
  }
  lines.push(
    "",
    "Sent and acknowledged count the warm-up too; deliveries and latency are of the window. " +
      "Never acknowledged: sends still without an `ack` when the run ended. A silence is the " +
      "longest time between two deliveries to one client in the window (normally about " +
      `${(1000 / workload.rate).toFixed(0)} ms at ${workload.rate} messages/s).`,
  );
  for (const run of runs) {
    const { check } = run;
    lines.push("", `${FAULT_TITLES[run.fault!]}:`, "");
    lines.push(...run.timeline.map((line) => `- ${line}`));
    if (check.movedTo.some((count) => count > 0)) {
      lines.push(
        `- clients that joined again, by node: ${
          check.movedTo.map((count, node) => `c${node + 1} ${count}`).join(", ")
        }`,
      );
    }
    for (const { client, ids } of check.missingSamples) {
      lines.push(`- f${client} never received acknowledged ids ${ids.join(", ")}`);
    }
    for (const { client, id } of check.duplicateSamples) {
      lines.push(`- f${client} received id ${id} twice`);
    }
    for (const { marker, ids } of check.storedTwice.slice(0, 8)) {
      lines.push(`- message \`${marker}\` stored as ids ${ids.join(" and ")}`);
    }
    if (run.logs.length > 0) {
      lines.push("", "Chat nodes' logs:", "", "```", ...run.logs, "```");
    }
  }
  lines.push(...errorLines(runs));
  return lines;
}

/** The errors the clients saw, by run. */
function errorLines(runs: ClusterRun[]): string[] {
  const errors = runs.flatMap((run) =>
    run.result.errors.map((error) =>
      `- ${run.target}, ${run.fault ?? run.result.workload.label}: ${error.count} × ` +
      `${error.kind}${
        error.sample === "" ? "" : ` (first: \`${error.sample.replaceAll("`", "'")}\`)`
      }`
    )
  );
  const unexpected = runs.filter((run) => run.result.unexpected > 0).map((run) =>
    `- ${run.target}, ${run.fault ?? run.result.workload.label}: ${run.result.unexpected} ` +
    "deliveries of a sender's own message (a catch-up may carry them; the client drops them)"
  );
  const all = [...errors, ...unexpected];
  return all.length === 0 ? [] : ["", "Errors seen:", "", ...all];
}
