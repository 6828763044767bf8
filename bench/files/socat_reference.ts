/**
 * The physical reference every chat leg is compared with: the file copied over loopback by
 * socat several times, each on a quiet machine with memory freed just before, and the median
 * taken, since one copy of a few seconds varies by tens of percent on a shared machine.
 *
 * @module
 */
import { join } from "@std/path";
import { log, median, waitForQuiet } from "../shared/mod.ts";
import { type SocatCopy, socatCopy } from "./socat.ts";
import { holdWarmMemory } from "./warm_memory.ts";

/** The socat copies, and the figures the report takes from them. */
export interface SocatReference {
  copies: SocatCopy[];
  /** Median time of a copy. */
  medianSeconds: number;
  /** The copy that took the median time (the first one if none did exactly). */
  medianCopy: SocatCopy;
  /** Median time of the fsync after a copy. */
  medianSyncSeconds: number;
}

/** Copies `source` into `tmp` `socatRuns` times and takes the medians. */
export async function socatReference(
  source: string,
  options: { tmp: string; bytes: number; socatRuns: number; waitQuietMs: number },
): Promise<SocatReference> {
  const { tmp, bytes } = options;
  const copies: SocatCopy[] = [];
  for (let i = 0; i < options.socatRuns; i++) {
    await waitForQuiet(options.waitQuietMs);
    await (await holdWarmMemory(tmp, bytes)).release();
    const copy = await socatCopy(source, join(tmp, "socat-copy.bin"), bytes);
    copies.push(copy);
    log(
      `socat copy ${i + 1}: ${copy.seconds.toFixed(2)} s, then fsync ${
        copy.syncSeconds.toFixed(2)
      } s`,
    );
  }
  const medianSeconds = median(copies.map((copy) => copy.seconds));
  return {
    copies,
    medianSeconds,
    medianCopy: copies.find((copy) => copy.seconds === medianSeconds) ?? copies[0],
    medianSyncSeconds: median(copies.map((copy) => copy.syncSeconds)),
  };
}
