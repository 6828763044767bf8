/**
 * Parses a command line by its flag declaration. The words go through @std/cli's parseArgs, told
 * by the declaration which flags take a value, which are boolean, their defaults, short aliases
 * and `--no-` forms; a flag the command does not declare is a usage error. Then each value is
 * turned into the type {@linkcode Flags} gives it, numbers checked against their range, in the
 * order the command declares them. `--help` (or `-h`) skips that: help is shown however wrong
 * the other values are.
 *
 * @module
 */
import { CliError, ExitCode } from "../cli_error.ts";
import { parseArgs } from "./_parse_args.ts";
import { HELP_FLAG } from "./_help_flag.ts";
import type { FlagDeclaration, FlagDeclarations, Flags } from "./declaration.ts";
import { byteSizeValue, durationValue, integerValue } from "./flag_values.ts";

/** A parsed command line: `--help` was asked for, or the typed flags and the other words. */
export type ParsedArgs<Declarations extends FlagDeclarations> =
  | { help: true }
  | { help: false; flags: Flags<Declarations>; positional: string[] };

/**
 * Parses `args` by `declarations`, refusing flags that command `command` does not declare.
 *
 * @example
 * ```ts
 * import { defineFlags, parseFlags } from "./mod.ts";
 * const declarations = defineFlags({
 *   port: { kind: "integer", value: "PORT", min: 0, max: 65535, default: 7777, help: "TCP port" },
 *   json: { kind: "boolean", help: "print JSON" },
 * });
 * const parsed = parseFlags(declarations, ["--json", "host"], { command: "files" });
 * if (!parsed.help) parsed.flags.port; // 7777, a number
 * // parsed: { help: false, flags: { port: 7777, json: true }, positional: ["host"] }
 * ```
 */
export function parseFlags<Declarations extends FlagDeclarations>(
  declarations: Declarations,
  args: readonly string[],
  options: { command: string },
): ParsedArgs<Declarations> {
  const all: [string, FlagDeclaration][] = [...Object.entries(declarations), ["help", HELP_FLAG]];
  const namesOf = (keep: (flag: FlagDeclaration) => boolean) =>
    all.filter(([, flag]) => keep(flag)).map(([name]) => name);
  const { _: words, ...raw } = parseArgs([...args], {
    string: namesOf((flag) => flag.kind !== "boolean"),
    boolean: namesOf((flag) => flag.kind === "boolean"),
    negatable: namesOf((flag) => flag.kind === "boolean" && flag.negatable === true),
    // Numbers stay text until they are checked below, as the user wrote them.
    default: Object.fromEntries(
      all.flatMap(([name, flag]): [string, string | boolean | undefined][] =>
        isThreeState(flag)
          ? [[name, undefined]]
          : flag.default === undefined
          ? []
          : [[name, typeof flag.default === "number" ? String(flag.default) : flag.default]]
      ),
    ),
    alias: Object.fromEntries(
      all.flatMap(([name, flag]) => flag.alias === undefined ? [] : [[flag.alias, name]]),
    ),
    unknown: (arg) => {
      if (arg.startsWith("-") && arg !== "-") {
        const { command } = options;
        throw new CliError(
          `Unknown option ${arg} for "chat ${command}"; see "chat ${command} --help".`,
          ExitCode.USAGE,
        );
      }
      return true;
    },
  });
  // `-h=x` leaves a string, which has always counted as asking for help.
  if (raw.help) return { help: true };
  const flags = Object.fromEntries(
    Object.entries(declarations).map(([name, flag]) => [name, valueOf(name, flag, raw[name])]),
  );
  return { help: false, flags: flags as Flags<Declarations>, positional: words.map(String) };
}

/** The typed value of one flag from what parseArgs made of it. */
function valueOf(name: string, flag: FlagDeclaration, raw: unknown): unknown {
  if (flag.kind === "boolean") {
    return raw === undefined && isThreeState(flag) ? undefined : Boolean(raw);
  }
  if (typeof raw !== "string") return undefined;
  if (flag.kind === "integer") return integerValue(raw, { name, min: flag.min, max: flag.max });
  if (flag.kind === "size") return byteSizeValue(raw, name);
  if (flag.kind === "duration") return durationValue(raw, name);
  return raw;
}

/** A negatable boolean flag without a default: given, given as `--no-NAME`, or not given. */
function isThreeState(flag: FlagDeclaration): boolean {
  return flag.kind === "boolean" && flag.negatable === true && flag.default === undefined;
}
