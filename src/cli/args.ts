import { parseArgs } from "@std/cli/parse-args";
import { CliError, ExitCode } from "./cli_error.ts";

/** A parsed command line: named flags as strings or booleans, and positional words. */
export interface ParsedArgs {
  flags: Record<string, string | boolean | undefined>;
  positional: string[];
}

/**
 * Parses `args` with @std/cli, refusing flags that the command does not know.
 */
export function parseFlags(
  command: string,
  args: string[],
  spec: {
    string?: string[];
    boolean?: string[];
    default?: Record<string, string | boolean>;
    alias?: Record<string, string>;
    negatable?: string[];
  },
): ParsedArgs {
  const parsed: Record<string, unknown> & { _: (string | number)[] } = parseArgs(args, {
    string: spec.string ?? [],
    boolean: [...spec.boolean ?? [], "help"],
    default: spec.default ?? {},
    alias: { h: "help", ...spec.alias },
    negatable: spec.negatable ?? [],
    unknown: (arg: string) => {
      if (arg.startsWith("-") && arg !== "-") {
        throw new CliError(
          `Unknown option ${arg} for "chat ${command}"; see "chat ${command} --help".`,
          ExitCode.USAGE,
        );
      }
      return true;
    },
  });
  const { _: positional, ...flags } = parsed;
  return {
    flags: flags as ParsedArgs["flags"],
    positional: positional.map(String),
  };
}

/** Reads a whole-number flag, refusing anything outside `min`..`max`. */
export function integerFlag(
  flags: ParsedArgs["flags"],
  name: string,
  range: { min: number; max: number },
): number {
  const raw = flags[name];
  const value = Number(raw);
  if (
    typeof raw !== "string" || !Number.isInteger(value) || value < range.min || value > range.max
  ) {
    throw new CliError(
      `--${name} must be a whole number from ${range.min} to ${range.max}, not "${raw}".`,
      ExitCode.USAGE,
    );
  }
  return value;
}

const UNITS: Record<string, number> = {
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
 * Reads a size flag: bytes, or a number with a unit as `dd` reads them: `K`, `M`, `G`, `T`
 * (and `KiB`…) are powers of 1024, `KB`, `MB`… powers of 1000.
 */
export function byteSizeFlag(flags: ParsedArgs["flags"], name: string): number {
  const raw = String(flags[name]);
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
