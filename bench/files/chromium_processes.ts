/**
 * Chromium's processes as /proc shows them, for measuring the page's memory from outside: the
 * browser process playwright started (a child of this benchmark), and below it the renderers
 * (`--type=renderer`, where the page and its JavaScript live) and the rest (zygotes, the GPU
 * and network-service processes, and the browser itself, whose download manager writes the
 * downloaded file).
 *
 * @module
 */
import { parseStat } from "../shared/mod.ts";

/** Chromium's processes at one moment. */
export interface ChromiumProcesses {
  /** The browser process. */
  browser: number;
  /** Renderer processes (`--type=renderer`). */
  renderers: number[];
  /** Every other process of this Chromium, the browser process included. */
  others: number[];
}

/**
 * Finds the Chromium this process launched (the child or grandchild of `ancestor` whose command
 * line runs chromium with no `--type=`) and its descendants; undefined when there is none.
 */
export function chromiumProcesses(ancestor = Deno.pid): ChromiumProcesses | undefined {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    try {
      const { ppid } = parseStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
      children.set(ppid, [...children.get(ppid) ?? [], pid]);
    } catch {
      // Gone meanwhile.
    }
  }
  const below = (pid: number): number[] =>
    (children.get(pid) ?? []).flatMap((child) => [child, ...below(child)]);
  const browser = below(ancestor).find((pid) => {
    const line = commandLine(pid);
    return /^\S*chromium/.test(line) && !line.includes("--type=");
  });
  if (browser === undefined) return undefined;
  const renderers: number[] = [];
  const others = [browser];
  for (const pid of below(browser)) {
    (commandLine(pid).includes("--type=renderer") ? renderers : others).push(pid);
  }
  return { browser, renderers, others };
}

/**
 * The command line, words joined by spaces: Chromium rewrites the command line of the processes
 * its zygote forks as one string, so NUL-separated words cannot be relied on.
 */
function commandLine(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
  } catch {
    return "";
  }
}
