/**
 * The `deno test` command line `deno task test` runs: the suite's permissions, the whole
 * `tests/` folder unless the caller names files or folders, then the caller's own arguments.
 *
 * @module
 */

/** What the suite may do: it starts servers, clients, tmux and Chromium in temporary folders. */
const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

/** Where the tests are, run when no path is given. */
const TESTS_FOLDER = "tests/";

/**
 * The arguments of `deno test` for `deno task test ...args`. An argument before `--` that names
 * an existing file or folder (by `isPath`) replaces `tests/`, so `deno task test
 * tests/e2e/chat_test.ts` runs that file alone; flags (`--filter NAME`, `--fail-fast`) pass
 * through as they are, and so does everything after `--`, which goes to the tests.
 *
 * @example
 * ```ts
 * import { denoTestArgs } from "./deno_test_args.ts";
 * denoTestArgs(["--fail-fast"], () => false);
 * // ["test", "--allow-net", …, "--allow-run", "tests/", "--fail-fast"]
 * ```
 */
export function denoTestArgs(args: readonly string[], isPath: (arg: string) => boolean): string[] {
  const end = args.indexOf("--");
  const ours = end === -1 ? args : args.slice(0, end);
  const namesPath = ours.some((arg) => !arg.startsWith("-") && isPath(arg));
  return ["test", ...PERMISSIONS, ...(namesPath ? [] : [TESTS_FOLDER]), ...args];
}
