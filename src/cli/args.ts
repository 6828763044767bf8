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
  spec: { string?: string[]; boolean?: string[]; default?: Record<string, string | boolean> },
): ParsedArgs {
  const parsed: Record<string, unknown> & { _: (string | number)[] } = parseArgs(args, {
    string: spec.string ?? [],
    boolean: [...spec.boolean ?? [], "help"],
    default: spec.default ?? {},
    alias: { h: "help" },
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
