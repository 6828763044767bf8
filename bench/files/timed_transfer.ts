/**
 * What every timed leg of the file-transfer benchmark measures, whoever moves the bytes (a CLI
 * command or a browser): the whole action, the transfer from its first sign on (a partial file
 * appearing), and the machine meanwhile, from which a disturbed try is told apart.
 *
 * @module
 */
import type { MachineUsage } from "../shared/mod.ts";

/** One timed transfer. */
export interface TimedTransfer {
  /** The whole action: the command from spawn to exit, or the browser from the click on. */
  seconds: number;
  /** From the moment the partial file appeared to the end. */
  transferSeconds: number;
  transferFrom: number;
  transferTo: number;
  /** The machine during the transfer (the leg's own processes are not "others"). */
  machine: MachineUsage;
}

/** The share of all CPUs that processes other than the leg's used during its transfer. */
export function disturbance(result: TimedTransfer): number {
  return result.machine.othersSeconds / result.transferSeconds / navigator.hardwareConcurrency;
}
