/**
 * Memory and CPU of a group of processes that come and go, such as a browser's renderers,
 * read from /proc from outside like {@linkcode ProcSampler} reads one process. Who belongs to
 * the group is asked again only every `rescanMs`, since finding the members means walking
 * /proc, while the members themselves are read every `intervalMs`.
 *
 * @module
 */
import { type PhaseUsage, readProc } from "./proc_sampler.ts";

/** One member of the group during one phase. */
export interface MemberUsage {
  /** Highest `VmRSS` sampled in the phase, KiB. */
  peakRssKiB: number;
  /** CPU seconds used in the phase. */
  cpuSeconds: number;
}

/** What a {@linkcode ProcGroupSampler} saw during one phase. */
export interface GroupPhaseUsage extends PhaseUsage {
  /** Most members alive at one sample. */
  processes: number;
  /** Each member seen in the phase, by pid. */
  members: Map<number, MemberUsage>;
}

/** Options of {@linkcode ProcGroupSampler}. */
export interface ProcGroupSamplerOptions {
  /** Between two readings of the members, ms (default 100). */
  intervalMs?: number;
  /** Between two calls of `members`, ms (default 1000). */
  rescanMs?: number;
}

/** A member's figures in the current phase. */
interface MemberState {
  peakRssKiB: number;
  /** CPU seconds at the phase's start (0 for a member that started during it). */
  cpuAtStart: number;
  cpuLast: number;
}

/**
 * Polls the processes `members()` names every `intervalMs` until
 * {@linkcode ProcGroupSampler.stop}, keeping, per phase, the peak of their summed RSS, and the
 * peak RSS and CPU time of each.
 *
 * `peakRssKiB` is the highest sum of `VmRSS` at one sample (pages the members share, such as
 * the program's own code, count once per member), and `hwmKiB` the sum of the members' `VmHWM`
 * at the last sample: an upper bound of their peak together, since each may have peaked at
 * another moment.
 */
export class ProcGroupSampler {
  readonly #members: () => readonly number[];
  readonly #rescanMs: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #pids: readonly number[] = [];
  #rescannedAt = -Infinity;
  #state = new Map<number, MemberState>();
  #phasePeak = 0;
  #phaseProcesses = 0;
  #phaseSamples = 0;
  #hwmKiB = 0;

  /** Starts sampling now and every `intervalMs`; the first phase starts now. */
  constructor(members: () => readonly number[], options: ProcGroupSamplerOptions = {}) {
    this.#members = members;
    this.#rescanMs = options.rescanMs ?? 1_000;
    this.#sample();
    for (const state of this.#state.values()) state.cpuAtStart = state.cpuLast;
    this.#timer = setInterval(() => this.#sample(), options.intervalMs ?? 100);
  }

  /** Takes a sample now (finding the members again), ends the phase and starts the next. */
  phase(): GroupPhaseUsage {
    this.#rescannedAt = -Infinity;
    this.#sample();
    const members = new Map<number, MemberUsage>();
    let cpuSeconds = 0;
    for (const [pid, state] of this.#state) {
      const used = state.cpuLast - state.cpuAtStart;
      members.set(pid, { peakRssKiB: state.peakRssKiB, cpuSeconds: used });
      cpuSeconds += used;
    }
    const usage: GroupPhaseUsage = {
      peakRssKiB: this.#phasePeak,
      hwmKiB: this.#hwmKiB,
      cpuSeconds,
      samples: this.#phaseSamples,
      processes: this.#phaseProcesses,
      members,
    };
    // The next phase starts from this sample; members gone since are forgotten.
    const next = new Map<number, MemberState>();
    for (const pid of this.#pids) {
      const state = this.#state.get(pid);
      if (state !== undefined) {
        next.set(pid, { peakRssKiB: 0, cpuAtStart: state.cpuLast, cpuLast: state.cpuLast });
      }
    }
    this.#state = next;
    this.#phasePeak = 0;
    this.#phaseProcesses = 0;
    this.#phaseSamples = 0;
    this.#sample();
    return usage;
  }

  /** Stops sampling; the processes themselves are left alone. */
  stop(): void {
    clearInterval(this.#timer);
  }

  #sample(): void {
    const now = performance.now();
    if (now - this.#rescannedAt >= this.#rescanMs) {
      this.#pids = this.#members();
      this.#rescannedAt = now;
    }
    let rss = 0;
    let hwm = 0;
    let alive = 0;
    for (const pid of this.#pids) {
      const sample = readProc(pid);
      if (sample === undefined) continue;
      alive++;
      rss += sample.rssKiB;
      hwm += sample.hwmKiB;
      // A member that appeared during the phase used all its CPU time in it.
      const state = this.#state.get(pid) ?? { peakRssKiB: 0, cpuAtStart: 0, cpuLast: 0 };
      state.peakRssKiB = Math.max(state.peakRssKiB, sample.rssKiB);
      state.cpuLast = sample.cpuSeconds;
      this.#state.set(pid, state);
    }
    if (alive === 0) return;
    this.#phasePeak = Math.max(this.#phasePeak, rss);
    this.#phaseProcesses = Math.max(this.#phaseProcesses, alive);
    this.#hwmKiB = hwm;
    this.#phaseSamples++;
  }
}
