/**
 * One CLI command, timed as a whole and from the moment its transfer starts, with the memory
 * and CPU of its process and of the whole machine.
 *
 * @module
 */
import {
  type MachineCpu,
  machineUsage,
  type PhaseUsage,
  ProcSampler,
  readMachineCpu,
  type Running,
  spawn,
} from "../shared/mod.ts";
import { cliArgv } from "../../tests/support/mod.ts";
import type { TimedTransfer } from "./timed_transfer.ts";
import { whenExists } from "./when_exists.ts";

/** What {@linkcode timedCli} measured. */
export interface TimedCli extends TimedTransfer {
  argv: readonly string[];
  stdout: string;
  usage: PhaseUsage;
}

/**
 * Runs `chat ...args`, sampling its memory, and times both the whole command and its transfer:
 * from when `marker` (the partial file the transfer writes into) appears until the process
 * exits. Throws when the command fails.
 */
export async function timedCli(
  args: string[],
  marker: string,
  options: { env: Record<string, string>; cwd: string; serverPid: number },
): Promise<TimedCli> {
  const watch = new AbortController();
  const started = performance.now();
  let cpuAtMarker: MachineCpu | undefined;
  const markerSeen = whenExists(marker, { signal: watch.signal, intervalMs: 2 }).then((at) => {
    cpuAtMarker = readMachineCpu();
    return at;
  });
  let child: Running | undefined;
  let sampler: ProcSampler | undefined;
  try {
    child = spawn(cliArgv(args), { env: options.env, cwd: options.cwd });
    sampler = new ProcSampler(child.pid);
    const result = await child.finished;
    const cpuAtExit = readMachineCpu();
    if (result.code !== 0) {
      throw new Error(`chat ${args[0]} exited with ${result.code}:\n${result.stderr}`);
    }
    watch.abort();
    const transferFrom = await markerSeen;
    if (transferFrom === undefined) throw new Error(`${marker} never appeared.`);
    return {
      argv: child.argv,
      stdout: result.stdout,
      seconds: (result.endedAt - started) / 1000,
      transferSeconds: (result.endedAt - transferFrom) / 1000,
      transferFrom,
      transferTo: result.endedAt,
      machine: machineUsage(cpuAtMarker!, cpuAtExit, [child.pid, options.serverPid]),
      usage: sampler.phase(),
    };
  } finally {
    watch.abort();
    sampler?.stop();
    child?.kill();
  }
}
