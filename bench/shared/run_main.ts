/**
 * How a benchmark's entry point ends: with the code its `main` resolved with (0, 1 when a
 * target could not be measured, 2 for bad options), or with 1 and the stack of whatever it
 * threw, so that a failure an hour into a run still says where it happened.
 *
 * @module
 */

/**
 * Runs `main` and exits the process with its code; prints the stack and exits with 1 if it
 * throws.
 *
 * @example
 * ```ts ignore
 * import { runMain } from "./run_main.ts";
 * if (import.meta.main) await runMain(() => Promise.resolve(0));
 * ```
 */
export async function runMain(main: () => Promise<number>): Promise<never> {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(error instanceof Error ? error.stack : error);
    Deno.exit(1);
  }
}
