/**
 * One fan-out workload against one running server: connect N clients to one room, a warm-up
 * at the workload's rate, then the measured window, while the server's CPU time and memory are
 * sampled from /proc from outside.
 *
 * @module
 */
import { type Adapter, connectAll, type FanoutClient, type RunContext } from "./adapter.ts";
import { DeliverySink } from "./delivery_sink.ts";
import { ErrorLog } from "./error_log.ts";
import { type LatencySummary, PhaseTracker } from "./phase_tracker.ts";
import { drain, sendOnSchedule } from "./schedule.ts";
import {
  log,
  machineUsage,
  ProcGroupSampler,
  ProcSampler,
  readMachineCpu,
  readProc,
} from "../shared/mod.ts";

/** What one workload does. */
export interface Workload {
  label: string;
  clients: number;
  /** Messages per second, all senders together; one sender per message a second. */
  rate: number;
  seconds: number;
  warmupSeconds: number;
}

/** Senders of a workload: each sends about one message a second. */
export function sendersOf(workload: Workload): number {
  return Math.min(workload.clients, Math.max(1, Math.round(workload.rate)));
}

/** Everything one workload measured against one server. */
export interface WorkloadResult {
  server: string;
  workload: Workload;
  /** Which run of the workload against this server, when it was run more than once. */
  run?: number;
  senders: number;
  connected: number;
  connectSeconds: number;
  sent: number;
  expected: number;
  received: number;
  duplicates: number;
  /** Deliveries of a sender's own message, or of one outside the schedule. */
  unexpected: number;
  /** From the first send to the last delivery (or the end of the wait for stragglers). */
  windowSeconds: number;
  deliveriesPerSecond: number;
  latency: LatencySummary;
  errors: { kind: string; count: number; sample: string }[];
  errorCount: number;
  serverCpuSeconds: number;
  serverMicrosPerDelivery: number;
  /** Highest VmRSS sampled during the window, and VmHWM (peak since start) at its end. */
  serverPeakRssKiB: number;
  serverHwmKiB: number;
  /** CPU time of this generator over the window, as a share of one CPU. */
  generatorCpuShare: number;
  /** Share of all CPUs busy during the window, whoever used them. */
  machineBusy: number;
  /** CPU seconds of processes other than the server and the generator. */
  othersSeconds: number;
  maxSendLagMs: number;
  meanSendLagMs: number;
  warmup: { sent: number; expected: number; received: number };
  /** `performance.now()` at the start and end of the measured window. */
  windowFromMs: number;
  windowToMs: number;
}

/** Settings of {@linkcode runWorkload}. */
export interface RunOptions {
  server: string;
  serverPid: number;
  port: number;
  workload: Workload;
  /**
   * Every process the server is made of, asked again during the window (a cluster's nodes, which
   * a fault may kill and start again); CPU time and memory are then their sums. Default: the one
   * process `serverPid`.
   */
  processes?: () => readonly number[];
  /** Runs beside the measured window's sends from its first one (a fault); awaited before the drain. */
  duringWindow?: () => Promise<void>;
  /** Runs after the drain, once the window's figures are taken, before the clients close. */
  afterWindow?: () => Promise<void>;
  /** How long the measured window waits for stragglers (default: 5 s without one, 120 s at most). */
  drain?: { stallMs: number; maxMs: number };
}

/** Runs `workload` against the server `serverPid` listening on `port`. */
export async function runWorkload(
  adapter: Adapter,
  options: RunOptions,
): Promise<WorkloadResult> {
  const { workload } = options;
  const senders = sendersOf(workload);
  const sink = new DeliverySink();
  const errors = new ErrorLog();
  let closing = false;
  const context: RunContext = {
    port: options.port,
    sink,
    errors,
    get closing() {
      return closing;
    },
  };
  let clients: (FanoutClient | undefined)[] = [];
  try {
    const connectStart = performance.now();
    clients = await connectAll(workload.clients, {
      concurrency: 100,
      connect: (index) => adapter.connect(index, context),
      onError: (index, error) => errors.add("connect failed", `client ${index}: ${error}`),
    });
    const connectSeconds = (performance.now() - connectStart) / 1000;
    const connected = clients.filter((client) => client !== undefined).length;
    log(`${options.server}: ${connected} clients joined in ${connectSeconds.toFixed(2)} s`);
    if (connected < 2) {
      const first = errors.entries()[0];
      throw new Error(`Only ${connected} clients could join (${first?.kind}: ${first?.sample}).`);
    }

    /** Opens phase `phase`: `seconds` of the workload's messages, tracked by the sink. */
    const open = (phase: number, seconds: number) => {
      const messages = Math.round(workload.rate * seconds);
      const tracker = new PhaseTracker({ phase, clients: workload.clients, senders, messages });
      sink.open(tracker);
      return tracker;
    };
    // The warm-up also waits out the join notices still on their way: its messages queue
    // behind them on every connection.
    const warmup = open(0, workload.warmupSeconds);
    await sendOnSchedule(warmup, clients, workload.rate);
    await drain(warmup, { stallMs: 5_000, maxMs: 60_000 });
    log(`${options.server}: warm-up ${warmup.received}/${warmup.expected} deliveries`);

    const measured = open(1, workload.seconds);
    const processes = options.processes;
    const sampler = processes === undefined
      ? new ProcSampler(options.serverPid, 50)
      : new ProcGroupSampler(processes, { intervalMs: 50, rescanMs: 200 });
    const ours = new Set(processes?.() ?? [options.serverPid]);
    try {
      const machineBefore = readMachineCpu();
      const generatorBefore = readProc(Deno.pid)?.cpuSeconds ?? NaN;
      sampler.phase();
      const started = performance.now();
      const during = options.duringWindow?.();
      await sendOnSchedule(measured, clients, workload.rate);
      await during;
      await drain(measured, options.drain ?? { stallMs: 5_000, maxMs: 120_000 });
      const server = sampler.phase();
      const wallSeconds = (performance.now() - started) / 1000;
      const generatorSeconds = (readProc(Deno.pid)?.cpuSeconds ?? NaN) - generatorBefore;
      for (const pid of processes?.() ?? []) ours.add(pid);
      const machine = machineUsage(machineBefore, readMachineCpu(), ours);
      await options.afterWindow?.();
      const windowSeconds = Number.isNaN(measured.lastReceiveMs)
        ? wallSeconds
        : (measured.lastReceiveMs - measured.firstSendMs) / 1000;
      return {
        server: options.server,
        workload,
        senders,
        connected,
        connectSeconds,
        sent: measured.sent,
        expected: measured.expected,
        received: measured.received,
        duplicates: measured.duplicates,
        unexpected: measured.unexpected,
        windowSeconds,
        deliveriesPerSecond: measured.received / windowSeconds,
        latency: measured.latency(),
        errors: errors.entries(),
        errorCount: errors.total + measured.duplicates + measured.unexpected + sink.stray,
        serverCpuSeconds: server.cpuSeconds,
        serverMicrosPerDelivery: (server.cpuSeconds * 1e6) / measured.received,
        serverPeakRssKiB: server.peakRssKiB,
        serverHwmKiB: server.hwmKiB,
        generatorCpuShare: generatorSeconds / wallSeconds,
        machineBusy: machine.busy,
        othersSeconds: machine.othersSeconds,
        maxSendLagMs: measured.maxSendLagMs,
        meanSendLagMs: measured.meanSendLagMs,
        warmup: { sent: warmup.sent, expected: warmup.expected, received: warmup.received },
        windowFromMs: started,
        windowToMs: started + wallSeconds * 1000,
      };
    } finally {
      sampler.stop();
    }
  } finally {
    closing = true;
    for (const client of clients) client?.close();
  }
}
