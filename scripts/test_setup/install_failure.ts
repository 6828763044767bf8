/**
 * The sentence `deno task test` stops with when apt-get could not install what the tests need.
 *
 * @module
 */
import type { NeededPackage } from "./needed_packages.ts";
import { listed, names, them } from "./_sentences.ts";

/** Which apt-get step failed, and how. */
export interface AptFailure {
  /** The command as run, such as `apt-get update`. */
  command: string;
  /** Its exit code. */
  code: number;
}

/**
 * One sentence saying that `failure` left `packages` uninstalled and what to do.
 *
 * @example
 * ```ts
 * import { installFailure } from "./install_failure.ts";
 * const tmux = { name: "tmux", proof: "tmux", neededBy: "the terminal tests" };
 * installFailure([tmux], { command: "apt-get update", code: 100 });
 * // "apt-get update failed with exit code 100, so tmux is not installed; install it by hand
 * //  (apt-get install tmux) and run the tests again."
 * ```
 */
export function installFailure(packages: readonly NeededPackage[], failure: AptFailure): string {
  const verb = packages.length === 1 ? "is" : "are";
  return `${failure.command} failed with exit code ${failure.code}, so ${
    listed(packages.map((row) => row.name))
  } ${verb} not installed; install ${them(packages)} by hand (apt-get install ${
    names(packages)
  }) and run the tests again.`;
}
