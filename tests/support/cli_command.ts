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
export function cliArgv(args: readonly string[], runtimeFlags: readonly string[] = []): string[] {
  return [Deno.execPath(), "run", ...runtimeFlags, ...CLI_PERMISSIONS, MAIN, ...args];
}

/** The line `chat serve` prints once it listens: `chat join 127.0.0.1:PORT`; group 1 is PORT. */
export const JOIN_LINE: RegExp = /chat join 127\.0\.0\.1:(\d+)/;
