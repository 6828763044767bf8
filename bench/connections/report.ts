/**
 * The markdown of a connection-benchmark run, and its section of bench/RESULTS.md.
 *
 * @module
 */
import { type Machine, machineSummary } from "../shared/mod.ts";
import type { ServerRun } from "./measure.ts";

/** Target 3: the chat server's RSS above its idle baseline, per connection. */
export const TARGET_BYTES_PER_CONNECTION = 20 * 1024;

/** Everything a run measured. */
export interface ConnectionsReport {
  date: string;
  connections: number;
  concurrency: number;
  machine: Machine;
  code: string;
  invocation: string;
  commands: string[];
  runs: ServerRun[];
  /** Servers that could not be measured, and why. */
  skipped: string[];
}

/**
 * Bytes of RSS above idle per connection the server still held (a server that dropped some
 * holds fewer than N; dividing by N would flatter it).
 */
export function bytesPerConnection(run: ServerRun, _connections: number): number {
  return (run.loadedKiB - run.idleKiB) * 1024 / Math.max(1, run.held);
}

/** The markdown of one run. */
export function renderConnections(report: ConnectionsReport): string {
  const { machine, connections: n } = report;
  const chat = report.runs.find((run) => run.name === "chat serve");
  return [
    `## Connections: ${n.toLocaleString("en")} clients in one room`,
    "",
    `Run on ${report.date} with \`${report.invocation}\`, on ${report.code}.`,
    "",
    `${machineSummary(machine)}. Everything on 127.0.0.1; the clients are one ` +
    `Deno process (bench/connections.ts) that opens ${report.concurrency} connections at a ` +
    "time, logs each in with a unique nick and joins one shared room, reads everything it is " +
    "sent and answers pings.",
    "",
    "Commands (`TMP`, `KEY` and the ports are filled in by the benchmark):",
    "",
    "```sh",
    ...report.commands,
    "```",
    "",
    renderTable(report),
    "",
    verdict(report, chat),
    ...(chat?.beforeLogin === undefined ? [] : ["", renderSplit(chat, n)]),
    ...report.runs.filter((run) => run.failure !== undefined).map((run) =>
      `\n**${run.name} could not log everyone in**: ${run.failure} (after ${
        run.connectSeconds.toFixed(0)
      } s); its figures are for the clients that did.`
    ),
    ...(report.skipped.length === 0 ? [] : ["", `Not measured: ${report.skipped.join("; ")}.`]),
  ].join("\n");
}

function renderTable(report: ConnectionsReport): string {
  const n = report.connections;
  const reference = report.runs.find((run) => run.name === "ngircd");
  const mib = (kib: number) => (kib / 1024).toFixed(1);
  const rows = [
    "| server | idle RSS (MiB) | RSS with N (MiB) | bytes / connection | × ngircd | held | " +
    "connect N (s) | peak RSS connecting (MiB) | one message to all (s) | reached | " +
    "peak RSS then (MiB) | RSS 10 s later (MiB) | ≤ 20 KB / conn. |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :-: |",
  ];
  for (const run of report.runs) {
    const bytes = bytesPerConnection(run, n);
    const ratio = reference === undefined
      ? ""
      : (bytes / bytesPerConnection(reference, n)).toFixed(1);
    rows.push(
      `| ${run.name} | ${mib(run.idleKiB)} | ${mib(run.loadedKiB)} | ${
        Math.round(bytes).toLocaleString("en")
      } | ${ratio} | ${run.held} | ${run.connectSeconds.toFixed(1)} | ${
        mib(run.connectPeakKiB)
      } | ${run.broadcastSeconds?.toFixed(3) ?? "timed out"} | ${run.reached} of ${n - 1} | ${
        mib(run.broadcastPeakKiB)
      } | ${mib(run.laterKiB)} | ${
        bytes <= TARGET_BYTES_PER_CONNECTION && run.held === n && run.reached === n - 1 ? "✓" : "✗"
      } |`,
    );
  }
  rows.push(
    "",
    "RSS is `VmRSS` from /proc/PID/status: idle after a 2 s settle, and with N after the last " +
      "client joined and a 2 s settle (median of 3 samples 0.5 s apart). Bytes per connection = " +
      '(RSS with N − idle RSS) / connections still held after the settle ("held"); a ✓ also ' +
      "needs all N held and the message to reach all N − 1 others; 20 KB is taken as 20 KiB " +
      '(20,480 bytes). "connect N" ' +
      "runs from the first connect until every client " +
      "has its own end of the room's member list (`history_end`; IRC `366`); each join is " +
      "announced to everyone already in the room by the IRC servers, O(N²) traffic; chat " +
      "announces no joins in a room of more than 200 (docs/PROTOCOL.md, section 3). " +
      "Peak RSS is the highest `VmRSS` sampled every 50 ms in that phase. The benchmark " +
      `process itself held ${
        report.runs.map((run) => `${mib(run.clientRssKiB)} MiB (${run.name})`).join(", ")
      }.`,
  );
  return rows.join("\n");
}

function verdict(report: ConnectionsReport, chat: ServerRun | undefined): string {
  if (chat === undefined) return "**Target 3 not measured**: the chat server did not run.";
  const n = report.connections;
  const bytes = bytesPerConnection(chat, n);
  const reference = report.runs.find((run) => run.name === "ngircd");
  const refText = reference === undefined
    ? ""
    : ` (ngircd: ${Math.round(bytesPerConnection(reference, n)).toLocaleString("en")} bytes, ` +
      `${(bytes / bytesPerConnection(reference, n)).toFixed(1)}× that)`;
  if (chat.failure !== undefined) {
    return `**Target 3 not met** at N = ${n.toLocaleString("en")}: the chat server could not ` +
      `log all clients into one room (${chat.failure}).`;
  }
  const all = chat.held === n && chat.reached === n - 1;
  const held = all
    ? `all ${n.toLocaleString("en")} connections were held and the one message reached all ` +
      `${(n - 1).toLocaleString("en")} others in ${chat.broadcastSeconds?.toFixed(3)} s`
    : `${chat.held} of ${n} connections were held and the message reached ${chat.reached} of ${
      n - 1
    }`;
  const met = all && bytes <= TARGET_BYTES_PER_CONNECTION;
  return `**Target 3 ${met ? "met" : "not met"}** at N = ${n.toLocaleString("en")}: ${held}; ` +
    `the chat server holds ${Math.round(bytes).toLocaleString("en")} bytes of RSS per ` +
    `connection above idle${refText}, against a limit of ${
      TARGET_BYTES_PER_CONNECTION.toLocaleString("en")
    }.`;
}

function renderSplit(chat: ServerRun, n: number): string {
  const before = chat.beforeLogin!;
  const total = bytesPerConnection(chat, n);
  const socket = (before.rssKiB - before.idleKiB) * 1024 / n;
  const round = (bytes: number) => Math.round(bytes).toLocaleString("en");
  const mib = (kib: number) => (kib / 1024).toFixed(1);
  return [
    "Where the chat server's memory goes: a second, fresh chat server with the same command " +
    `gets N TCP connections that never say \`hello\` (opened in ${before.seconds.toFixed(1)} s, ` +
    "closed after the measurement; the server closes a connection silent for 45 s, so they " +
    "cannot wait on the first server while N clients log in).",
    "",
    "| what | RSS (MiB) | bytes / connection |",
    "| --- | ---: | ---: |",
    `| fresh server, idle → N connections without \`hello\` (socket, \`TcpConnection\` with ` +
    `its pending read, \`serveConnection\`, \`Session\`, \`Outbox\`) | ` +
    `${mib(before.idleKiB)} → ${mib(before.rssKiB)} | ${round(socket)} |`,
    `| the rest: logged in and in the room (nick, resume token, membership, and what the ` +
    `joins left behind) | | ${round(total - socket)} |`,
    `| total, the table above | ${mib(chat.idleKiB)} → ${mib(chat.loadedKiB)} | ${round(total)} |`,
  ].join("\n");
}
