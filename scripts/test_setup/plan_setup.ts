/**
 * What `deno task test` does before the tests: run them, install what is missing, or refuse with
 * one sentence. Pure, on a {@linkcode System} the caller probes, so every case is a unit test
 * with a fake machine (tests/scripts/test_setup/plan_setup_test.ts); scripts/test.ts probes the
 * real one and carries the plan out.
 *
 * @module
 */
import type { NeededPackage } from "./needed_packages.ts";
import { capitalised, listed, names, needs, them } from "./_sentences.ts";

/** What the plan needs to know about the machine. */
export interface System {
  /**
   * Whether `proof` is an executable here: an absolute path as it is, a command name looked up
   * on `PATH` (as `apt-get` is).
   */
  has(proof: string): boolean;
  /** Whether this process runs as root, and so may install packages. */
  readonly isRoot: boolean;
}

/** What to do before running the tests. */
export type SetupPlan =
  /** Everything is there. */
  | { action: "run" }
  /** Install `packages` with apt-get, after saying so with `announcement`. */
  | { action: "install"; packages: NeededPackage[]; announcement: string }
  /** Stop with this one-sentence `message` and a non-zero exit code. */
  | { action: "refuse"; message: string };

/** Options of {@linkcode planSetup}. */
export interface PlanOptions {
  /**
   * Whether apt-get has just installed what was missing: anything still missing is then refused,
   * never installed a second time.
   */
  afterInstall?: boolean;
}

/**
 * Decides from what `system` has whether the tests can run, which of `packages` to install
 * (only as root with apt-get present), or which sentence to stop with.
 *
 * @example
 * ```ts
 * import { planSetup } from "./plan_setup.ts";
 * const tmux = { name: "tmux", proof: "tmux", neededBy: "the terminal tests" };
 * planSetup([tmux], { has: () => false, isRoot: false });
 * // { action: "refuse", message: "The terminal tests need Debian's tmux; install it
 * //   (apt-get install tmux) or run this as root on Debian." }
 * ```
 */
export function planSetup(
  packages: readonly NeededPackage[],
  system: System,
  options: PlanOptions = {},
): SetupPlan {
  const missing = packages.filter((row) => !system.has(row.proof));
  if (missing.length === 0) return { action: "run" };
  if (options.afterInstall) {
    const proofs = missing.map((row) =>
      row.proof.includes("/") ? row.proof : `the ${row.proof} command`
    );
    return {
      action: "refuse",
      message: `apt-get installed ${listed(missing.map((row) => row.name))} but ${listed(proofs)} ${
        missing.length === 1 ? "is" : "are"
      } still missing; ${needs(missing)}, so install ${
        them(missing)
      } by hand and run the tests again.`,
    };
  }
  if (system.isRoot && system.has("apt-get")) {
    return {
      action: "install",
      packages: missing,
      announcement: `Installing ${listed(missing.map((row) => row.name))} with apt-get: ${
        needs(missing)
      }.`,
    };
  }
  return {
    action: "refuse",
    message: `${capitalised(needs(missing))}; install ${them(missing)} (apt-get install ${
      names(missing)
    }) or run this as root on Debian.`,
  };
}
