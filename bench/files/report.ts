/**
 * Turns the figures of a file-transfer run into markdown, one section of bench/RESULTS.md per
 * file size.
 *
 * @module
 */
import { type BrowserReport, renderBrowser } from "./browser_report.ts";
import type { LatencyStats } from "./latency_probe.ts";
import {
  type Machine,
  machineSummary,
  type MachineUsage,
  type PhaseUsage,
  writeSection,
} from "../shared/mod.ts";

/** One timed transfer of the file (or of something that bounds one). */
export interface Leg {
  name: string;
  seconds: number;
  /** Bytes moved; 0 for a leg that only has a time. */
  bytes: number;
  /** Whether the target (≥ half of socat) applies to this leg. */
  target?: boolean;
  /** The machine meanwhile. */
  machine?: MachineUsage;
  /** Tries made; the least disturbed one is reported. */
  attempts?: number;
  /** socat followed by an fsync of its copy: durable like the chat legs. */
  durableReference?: boolean;
}

/** Memory and CPU of one process in the phases of the run. */
export interface ProcessRow {
  name: string;
  phases: { label: string; usage: PhaseUsage | undefined }[];
}

/** Everything a run measured. */
export interface RunReport {
  date: string;
  sizeLabel: string;
  bytes: number;
  machine: Machine;
  /** Which code was measured. */
  code: string;
  /** The bench's own command line. */
  invocation: string;
  commands: string[];
  socatSeconds: number[];
  /** The reference every other leg is compared with. */
  reference: Leg;
  legs: Leg[];
  latency: { label: string; stats: LatencyStats }[];
  processes: ProcessRow[];
  /** The file `chat get` downloaded is the source, byte for byte. */
  verified: boolean;
  /** The browser legs' verification and Chromium's memory, when they ran. */
  browser?: BrowserReport;
  /** Fraction of all CPUs busy, in the second before the run, with other people's work. */
  backgroundBusy: number;
}

/** Target: every leg at least this fraction of socat's throughput. */
export const TARGET_RATIO = 0.5;

/** Decimal megabytes per second. */
export function megabytesPerSecond(leg: Leg): number {
  return leg.bytes / leg.seconds / 1e6;
}

/** The markdown of one run: everything RESULTS.md needs. */
export function renderReport(report: RunReport): string {
  const { machine } = report;
  const lines = [
    `## File transfer, ${report.sizeLabel} (${report.bytes.toLocaleString("en")} bytes)`,
    "",
    `Run on ${report.date} with \`${report.invocation}\`, on ${report.code}.`,
    "",
    `${machineSummary(machine)}, socat ${machine.socat}; all files on ` +
    `${machine.filesystem} in a temporary directory (\`$TMP\`), the source file in the page cache. ` +
    "Before each leg a scratch file of the same size is written, and deleted the moment the " +
    "leg starts moving bytes, so that every leg writes into memory freed just before: this VM " +
    "hands memory free for about 2 s back to its host, and faulting it in again costs up to " +
    "2.5 s per GiB written.",
    "",
    "Commands, run from the project folder (`PORT`, `PASSKEY` and `ID` are filled in by the " +
    "benchmark):",
    "",
    "```sh",
    ...report.commands,
    "```",
    "",
    renderLegs(report),
    "",
    verdict(report),
    "",
    ...(report.browser === undefined ? [] : [renderBrowser(report.browser), ""]),
    "Chat latency: one chat client in the lobby sends a message every 50 ms, another receives",
    "it; time from `send` to arrival, over the messages sent inside each window (the transfer",
    "windows are the transfer-only times above).",
    "",
    renderLatency(report),
    "",
    "Memory (VmRSS sampled every 50 ms, and VmHWM) and CPU time of each process:",
    "",
    renderProcesses(report),
  ];
  return lines.join("\n");
}

/** The table of legs with MB/s and the ratio to socat. */
export function renderLegs(report: RunReport): string {
  const reference = megabytesPerSecond(report.reference);
  const rows = [
    "| leg | time (s) | MB/s | × socat | CPUs busy | others (CPU s) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const leg of [report.reference, ...report.legs]) {
    const speed = leg.bytes > 0 ? megabytesPerSecond(leg) : NaN;
    const ratio = leg.bytes > 0 ? (speed / reference).toFixed(2) : "";
    const mark = leg.target ? (speed / reference >= TARGET_RATIO ? " ✓" : " ✗") : "";
    rows.push(
      `| ${leg.name} | ${leg.seconds.toFixed(2)} | ${
        Number.isNaN(speed) ? "" : speed.toFixed(0)
      } | ${ratio}${mark} | ${percent(leg.machine?.busy)} | ${
        leg.machine?.othersSeconds.toFixed(2) ?? ""
      } |`,
    );
  }
  const runs = report.socatSeconds.map((seconds) => seconds.toFixed(2)).join(", ");
  rows.push(
    "",
    `MB/s is 10⁶ bytes per second. socat runs: ${runs} s (median used). "CPUs busy" is the ` +
      `share of all ${report.machine.cpus} CPUs in use during the leg, by anything (from ` +
      `/proc/stat, kernel work included); "others" is the CPU time of processes that are not ` +
      `part of the leg (other people's work on a shared machine). Before the run, the CPUs ` +
      `were ${percent(report.backgroundBusy)} busy. ${attemptsNote(report)}`,
  );
  return rows.join("\n");
}

function attemptsNote(report: RunReport): string {
  const retried = report.legs.filter((leg) => (leg.attempts ?? 1) > 1);
  const list = retried.map((leg) => `${leg.name.split(",")[0]}: ${leg.attempts} tries`).join(", ");
  return retried.length === 0
    ? "No transfer leg needed a retry for interference."
    : `Legs that others disturbed were run again and the least disturbed try kept (${list}).`;
}

function percent(fraction: number | undefined): string {
  return fraction === undefined || Number.isNaN(fraction) ? "" : `${(fraction * 100).toFixed(0)} %`;
}

/** One paragraph: is every target leg at least half of socat? */
export function verdict(report: RunReport): string {
  const reference = megabytesPerSecond(report.reference);
  const targets = report.legs.filter((leg) => leg.target);
  const ratio = (leg: Leg, to: number) => `${(megabytesPerSecond(leg) / to).toFixed(2)}×`;
  const missed = targets.filter((leg) => megabytesPerSecond(leg) / reference < TARGET_RATIO);
  const durable = report.legs.find((leg) => leg.durableReference);
  const sentences = [
    missed.length === 0
      ? `**Target met**: every transfer leg (${
        targets.map((leg) => leg.name.split(",")[0]).join(", ")
      }) reaches at least ${TARGET_RATIO}× socat's ${reference.toFixed(0)} MB/s.`
      : `**Target not met**: ${
        missed.map((leg) => `${leg.name.split(",")[0]} reaches ${ratio(leg, reference)}`)
          .join(", ")
      } of socat's ${reference.toFixed(0)} MB/s, below ${TARGET_RATIO}×.`,
  ];
  if (durable !== undefined) {
    const durableSpeed = megabytesPerSecond(durable);
    sentences.push(
      `Against socat followed by an fsync of its copy (${
        durableSpeed.toFixed(0)
      } MB/s; both chat legs fsync what they write), they reach ${
        targets.map((leg) => `${ratio(leg, durableSpeed)} (${leg.name.split(",")[0]})`)
          .join(" and ")
      }.`,
    );
  }
  sentences.push(
    report.verified
      ? "The file `chat get` downloaded is byte-identical to the source (SHA-256)."
      : "**The file `chat get` downloaded does NOT match the source.**",
  );
  return sentences.join(" ");
}

/** The latency table. */
export function renderLatency(report: RunReport): string {
  const ms = (value: number) => Number.isNaN(value) ? "–" : value.toFixed(1);
  const rows = [
    "| while | messages | received | p50 (ms) | p99 (ms) | max (ms) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { label, stats } of report.latency) {
    rows.push(
      `| ${label} | ${stats.sent} | ${stats.received} | ${ms(stats.p50Ms)} | ${ms(stats.p99Ms)} | ${
        ms(stats.maxMs)
      } |`,
    );
  }
  return rows.join("\n");
}

/** The memory and CPU table. */
export function renderProcesses(report: RunReport): string {
  const mib = (kib: number) => (kib / 1024).toFixed(0);
  const rows = [
    "| process | phase | peak VmRSS (MiB) | VmHWM so far (MiB) | CPU (s) |",
    "| --- | --- | ---: | ---: | ---: |",
  ];
  for (const process of report.processes) {
    for (const { label, usage } of process.phases) {
      if (usage === undefined) continue;
      rows.push(
        `| ${process.name} | ${label} | ${mib(usage.peakRssKiB)} | ${mib(usage.hwmKiB)} | ${
          usage.cpuSeconds.toFixed(2)
        } |`,
      );
    }
  }
  return rows.join("\n");
}

/** Replaces (or appends) the section of this run's size in bench/RESULTS.md. */
export function writeResults(report: RunReport): Promise<string> {
  return writeSection(`bench:files ${report.sizeLabel}`, renderReport(report));
}
