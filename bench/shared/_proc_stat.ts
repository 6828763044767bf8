/**
 * `/proc/<pid>/stat`, the one place the kernel says how much CPU a process used and who its
 * parent is, parsed once for the sampler of one process and the census of all of them.
 *
 * @module
 */

/** Clock ticks per second of `/proc/stat` and `/proc/<pid>/stat` (`getconf CLK_TCK`; 100 on Linux). */
export const CLOCK_TICKS = 100;

/** What the benchmarks read from one `/proc/<pid>/stat` line. */
export interface ProcStat {
  /** The parent's pid. */
  ppid: number;
  /** User + system CPU time so far, seconds. */
  cpuSeconds: number;
}

/**
 * Parses a `/proc/<pid>/stat` line.
 *
 * @example
 * ```ts
 * import { parseStat } from "./_proc_stat.ts";
 * parseStat(Deno.readTextFileSync(`/proc/${Deno.pid}/stat`)).cpuSeconds;
 * ```
 */
export function parseStat(stat: string): ProcStat {
  // Fields after the command name, which may contain spaces, start at "state" (field 3).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    ppid: Number(fields[1]),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
  };
}
