/**
 * Command lines for the reports as a reader would type them in the project folder: the deno
 * binary's path becomes `deno` and the absolute path of main.ts becomes `main.ts`, so that
 * RESULTS.md says how to rerun a benchmark and nothing about where this checkout lives.
 *
 * @module
 */
import { MAIN } from "../../tests/support/mod.ts";

/**
 * `argv` joined with spaces, with the deno binary and main.ts named as in the project folder.
 *
 * @example
 * ```ts
 * import { cliArgv } from "../../tests/support/mod.ts";
 * import { asTyped } from "./typed_command.ts";
 * asTyped(cliArgv(["get", "--help"])); // "deno run --allow-net … main.ts get --help"
 * ```
 */
export function asTyped(argv: readonly string[]): string {
  const execPath = Deno.execPath();
  return argv.map((word) => word === execPath ? "deno" : word === MAIN ? "main.ts" : word)
    .join(" ");
}
