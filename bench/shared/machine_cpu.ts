/**
 * CPU time of the whole machine and of every process on it, from `/proc/stat` and each
 * `/proc/<pid>/stat`: on a shared machine, other people's work during a run is measured and
 * reported rather than guessed at.
 *
 * @module
 */
import { CLOCK_TICKS, parseStat } from "./_proc_stat.ts";

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
    const { ppid, cpuSeconds } = parseStat(stat);
    // Kernel threads (children of kthreadd, pid 2) do our writeback and networking too.
    if (pid === 2 || ppid === 2) continue;
    processes.set(pid, cpuSeconds);
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
