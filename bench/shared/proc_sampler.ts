/**
 * Memory and CPU of one running process, read from `/proc/<pid>/status` and `/proc/<pid>/stat`
 * from outside, so that measuring a server costs it nothing and works for any server.
 *
 * @module
 */
import { parseStat } from "./_proc_stat.ts";

/** One reading of a process. */
export interface ProcSample {
  /** Resident set size now, KiB. */
  rssKiB: number;
  /** Highest resident set size so far (`VmHWM`), KiB. */
  hwmKiB: number;
  /** User + system CPU time so far, seconds. */
  cpuSeconds: number;
}

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
  if (!Number.isFinite(kib("VmRSS"))) return undefined; // A zombie has no memory lines.
  return { rssKiB: kib("VmRSS"), hwmKiB: kib("VmHWM"), cpuSeconds: parseStat(stat).cpuSeconds };
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
  /** The process sampled. */
  readonly pid: number;
  #timer: ReturnType<typeof setInterval>;
  #last: ProcSample | undefined;
  #phaseStartCpu = 0;
  #phasePeak = 0;
  #phaseSamples = 0;

  /** Starts sampling `pid` now and every `intervalMs`; the first phase starts now. */
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

  /** Stops sampling; the process itself is left alone. */
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
