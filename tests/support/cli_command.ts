/**
 * The CLI under test as the tests and benchmarks start it: `deno run` from source with the
 * permissions the README documents, and the line by which `chat serve` says where it listens.
 * Kept once, so that a new permission or a reworded join line changes both suites alike.
 *
 * @module
 */
import { fromFileUrl } from "@std/path";

/** Absolute path of the program under test. */
export const MAIN: string = fromFileUrl(new URL("../../main.ts", import.meta.url));

/** The permissions the CLI is documented to need. */
export const CLI_PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
];

/** Options of {@linkcode cliArgv}. */
export interface CliArgvOptions {
  /** Flags of `deno run` before the permissions, such as `--v8-flags=…`. */
  runtimeFlags?: readonly string[];
  /** The permissions to run with; {@linkcode CLI_PERMISSIONS} unless told. */
  permissions?: readonly string[];
}

/**
 * `deno run [runtime flags] <permissions> main.ts ...args` as argv, the deno binary first.
 *
 * @example
 * ```ts
 * import { cliArgv } from "./cli_command.ts";
 * const [command, ...args] = cliArgv(["get", "--help"]);
 * new Deno.Command(command, { args });
 * ```
 */
export function cliArgv(args: readonly string[], options: CliArgvOptions = {}): string[] {
  const permissions = options.permissions ?? CLI_PERMISSIONS;
  return [Deno.execPath(), "run", ...options.runtimeFlags ?? [], ...permissions, MAIN, ...args];
}

/** The line `chat serve` prints once it listens: `chat join 127.0.0.X:PORT`; group 1 is PORT. */
export const JOIN_LINE: RegExp = /chat join 127\.0\.0\.\d+:(\d+)/;
