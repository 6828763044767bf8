/**
 * The physical reference: the same file copied over loopback by two socat processes.
 *
 * @module
 */
import {
  type MachineUsage,
  machineUsage,
  readMachineCpu,
  spawn,
  waitForListener,
} from "../shared/mod.ts";
import { unusedPort } from "../../tests/support/mod.ts";

/** One socat copy. */
export interface SocatCopy {
  /** Listener and sender, as run. */
  argv: string[][];
  /** From starting the sender until both have exited. */
  seconds: number;
  /** fsync of the copy right afterwards (socat never syncs; both chat legs do). */
  syncSeconds: number;
  /** The machine during the copy (socat's own work is not "others"). */
  machine: MachineUsage;
}

/**
 * Copies `source` to `target` with `socat -b 1048576` over 127.0.0.1, checks the copy's size,
 * and deletes it.
 */
export async function socatCopy(source: string, target: string, bytes: number): Promise<SocatCopy> {
  const port = unusedPort();
  const listen = [
    "socat",
    "-b",
    "1048576",
    "-u",
    `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr`,
    `OPEN:${target},creat,trunc`,
  ];
  const send = ["socat", "-b", "1048576", "-u", `OPEN:${source}`, `TCP:127.0.0.1:${port}`];
  const listener = spawn(listen);
  try {
    await waitForListener(port);
    const cpu = readMachineCpu();
    const started = performance.now();
    const sender = spawn(send);
    const [sent, received] = await Promise.all([sender.finished, listener.finished]);
    const machine = machineUsage(cpu, readMachineCpu(), [listener.pid, sender.pid]);
    if (sent.code !== 0) throw new Error(`socat sender failed: ${sent.stderr}`);
    if (received.code !== 0) throw new Error(`socat listener failed: ${received.stderr}`);
    const seconds = (received.endedAt - started) / 1000;
    const size = (await Deno.stat(target)).size;
    if (size !== bytes) throw new Error(`socat copied ${size} of ${bytes} bytes.`);
    const syncStarted = performance.now();
    using file = await Deno.open(target, { write: true });
    await file.sync();
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    return { argv: [listen, send], seconds, syncSeconds, machine };
  } finally {
    listener.kill();
    await Deno.remove(target).catch(() => {});
  }
}

/** Whether `socat` can be run. */
export async function hasSocat(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("socat", { args: ["-V"], stdout: "null" }).output();
    return success;
  } catch {
    return false;
  }
}
