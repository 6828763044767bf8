/**
 * Memory and CPU of a running process, read from `/proc/<pid>/status` and `/proc/<pid>/stat`.
 *
 * @module
 */

/** One reading of a process. */
export interface ProcSample {
  /** Resident set size now, KiB. */
  rssKiB: number;
  /** Highest resident set size so far (`VmHWM`), KiB. */
  hwmKiB: number;
  /** User + system CPU time so far, seconds. */
  cpuSeconds: number;
}

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;

/** Reads `pid` once; undefined when it has exited. */
export function readProc(pid: number): ProcSample | undefined {
  let status: string;
  let stat: string;
  try {
    status = Deno.readTextFileSync(`/proc/${pid}/status`);
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  // Fields after the command name, which may contain spaces, start at "state" (field 3).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(kib("VmRSS"))) return undefined; // A zombie has no memory lines.
  return { rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM"), cpuSeconds: ticks / CLOCK_TICKS };
}

/** What a {@linkcode ProcSampler} saw during one phase. */
export interface PhaseUsage {
  /** Highest `VmRSS` sampled in the phase, KiB. */
  peakRssKiB: number;
  /** `VmHWM` at the last sample, KiB (the peak since the process started). */
  hwmKiB: number;
  /** CPU seconds used in the phase (up to the last sample before exit). */
  cpuSeconds: number;
  samples: number;
}

/**
 * Polls a process every `intervalMs` until it exits or {@linkcode ProcSampler.stop} is called,
 * keeping the peak RSS and CPU time per phase.
 */
export class ProcSampler {
  readonly pid: number;
  #timer: ReturnType<typeof setInterval>;
  #last: ProcSample | undefined;
  #phaseStartCpu = 0;
  #phasePeak = 0;
  #phaseSamples = 0;

  constructor(pid: number, intervalMs = 50) {
    this.pid = pid;
    this.#sample();
    this.#phaseStartCpu = this.#last?.cpuSeconds ?? 0;
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  /** The latest reading. */
  get last(): ProcSample | undefined {
    return this.#last;
  }

  /** Takes a sample now, ends the current phase and starts the next; returns what it saw. */
  phase(): PhaseUsage {
    this.#sample();
    const usage: PhaseUsage = {
      peakRssKiB: this.#phasePeak,
      hwmKiB: this.#last?.hwmKiB ?? 0,
      cpuSeconds: (this.#last?.cpuSeconds ?? 0) - this.#phaseStartCpu,
      samples: this.#phaseSamples,
    };
    this.#phaseStartCpu = this.#last?.cpuSeconds ?? 0;
    this.#phasePeak = this.#last?.rssKiB ?? 0;
    this.#phaseSamples = 0;
    return usage;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #sample(): void {
    const sample = readProc(this.pid);
    if (sample === undefined) return;
    this.#last = sample;
    this.#phasePeak = Math.max(this.#phasePeak, sample.rssKiB);
    this.#phaseSamples++;
  }
}

/** Cumulative CPU time of the whole machine, all CPUs together, from `/proc/stat`. */
export interface MachineCpu {
  busySeconds: number;
  totalSeconds: number;
  /** CPU seconds of every user-space process then running, by pid. */
  processes: Map<number, number>;
}

/** Reads the machine's cumulative CPU time, and that of every user-space process. */
export function readMachineCpu(): MachineCpu {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  // cpu user nice system idle iowait irq softirq steal ...
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/)
    .slice(1, 9).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  const processes = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    } catch {
      continue; // Gone meanwhile.
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Kernel threads (children of kthreadd, pid 2) do our writeback and networking too.
    if (pid === 2 || fields[1] === "2") continue;
    processes.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
  }
  return {
    busySeconds: busy / CLOCK_TICKS,
    totalSeconds: (busy + idle + iowait) / CLOCK_TICKS,
    processes,
  };
}

/** How busy the machine was between two readings, and how much of it was not ours. */
export interface MachineUsage {
  /** Fraction of all CPUs busy, whoever used them. */
  busy: number;
  /**
   * CPU seconds of user-space processes other than `ours` (other people's work on a shared
   * machine); processes that started and ended in between are missed.
   */
  othersSeconds: number;
}

/** Compares two readings; `ours` are the pids whose CPU time is part of the measurement. */
export function machineUsage(
  from: MachineCpu,
  to: MachineCpu,
  ours: Iterable<number>,
): MachineUsage {
  const excluded = new Set([Deno.pid, ...ours]);
  let othersSeconds = 0;
  for (const [pid, seconds] of to.processes) {
    if (!excluded.has(pid)) othersSeconds += seconds - (from.processes.get(pid) ?? 0);
  }
  const total = to.totalSeconds - from.totalSeconds;
  return {
    busy: total > 0 ? (to.busySeconds - from.busySeconds) / total : NaN,
    othersSeconds,
  };
}
