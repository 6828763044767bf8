/**
 * Numbers from the text of a flag. A value that is not one is a usage error whose sentence
 * names the flag and quotes the value, so the user sees which of several flags to fix.
 *
 * @module
 */
import { parseDuration } from "../../util/mod.ts";
import { CliError, ExitCode } from "../cli_error.ts";

/**
 * Reads the value of flag `--name` as a whole number, refusing anything outside `min`..`max`.
 * It is read as JavaScript reads numbers, so surrounding spaces, `0x10` and an empty value
 * (zero) pass, as they always have.
 *
 * @example
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { CliError } from "../cli_error.ts";
 * import { integerValue } from "./flag_values.ts";
 * const port = { name: "port", min: 0, max: 65535 };
 * integerValue("7777", port); // 7777
 * assertThrows(
 *   () => integerValue("70000", port),
 *   CliError,
 *   '--port must be a whole number from 0 to 65535, not "70000".',
 * );
 * ```
 */
export function integerValue(
  raw: string,
  flag: { name: string; min: number; max: number },
): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < flag.min || value > flag.max) {
    throw new CliError(
      `--${flag.name} must be a whole number from ${flag.min} to ${flag.max}, not "${raw}".`,
      ExitCode.USAGE,
    );
  }
  return value;
}

/** Bytes per unit, by the unit's lower-case name. */
const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

/**
 * Reads the value of flag `--name` as a size: bytes, or a number with a unit as `dd` reads
 * them: `K`, `M`, `G`, `T` (and `KiB`…) are powers of 1024, `KB`, `MB`… powers of 1000.
 *
 * @example
 * ```ts
 * import { byteSizeValue } from "./flag_values.ts";
 * byteSizeValue("4G", "max-file-size"); // 4294967296
 * byteSizeValue("1.5 MB", "max-file-size"); // 1500000
 * ```
 */
export function byteSizeValue(raw: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = match === null ? undefined : UNITS[match[2].toLowerCase()];
  const value = match === null || unit === undefined ? NaN : Math.floor(Number(match[1]) * unit);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new CliError(
      `--${name} must be a size such as 500M or 4G, not "${raw}".`,
      ExitCode.USAGE,
    );
  }
  return value;
}

/**
 * Reads the value of flag `--name` as a length of time (`90s`, `2h`, `1h30m`, or seconds), in
 * milliseconds.
 *
 * @example
 * ```ts
 * import { durationValue } from "./flag_values.ts";
 * durationValue("2h", "invite-ttl"); // 7200000
 * ```
 */
export function durationValue(raw: string, name: string): number {
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 1000) {
    throw new CliError(
      `--${name} must be a length of time such as 90s, 30m or 2h, not "${raw}".`,
      ExitCode.USAGE,
    );
  }
  return ms;
}
