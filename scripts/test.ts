/**
 * `deno task test`: makes sure the Debian packages the suite needs are here, installing the
 * missing ones with apt-get when it runs as root (so `npx deno@2.9.6 task test` works on a
 * machine that had only Node.js and npm), then runs `deno test` with the suite's permissions
 * and the caller's arguments, its output untouched, and exits with its code.
 *
 *   deno task test                              the whole suite
 *   deno task test tests/e2e/chat_test.ts       one file
 *   deno task test --filter "parseInput"        flags go to deno test
 *
 * It needs to run programs (apt-get, deno), read (to find commands on PATH), the PATH variable
 * and its user id; the packages and sentences are decided in test_setup/, tested without apt-get.
 *
 * @module
 */
import { join } from "@std/path";
import {
  type AptFailure,
  denoTestArgs,
  installFailure,
  NEEDED_PACKAGES,
  type NeededPackage,
  planSetup,
  type System,
} from "./test_setup/mod.ts";

function isExecutable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** This machine, as the plan sees it. */
function thisSystem(): System {
  const path = (Deno.env.get("PATH") ?? "").split(":").filter((dir) => dir !== "");
  return {
    has: (proof) =>
      proof.includes("/")
        ? isExecutable(proof)
        : path.some((dir) => isExecutable(join(dir, proof))),
    isRoot: Deno.uid() === 0,
  };
}

/** Runs `apt-get update`, then `apt-get install` of `packages`; resolves with the failed step. */
async function aptGetInstall(packages: NeededPackage[]): Promise<AptFailure | undefined> {
  const steps = [["update", "-qq"], ["install", "-y", "-qq", ...packages.map((row) => row.name)]];
  for (const args of steps) {
    const { code } = await new Deno.Command("apt-get", {
      args,
      env: { DEBIAN_FRONTEND: "noninteractive" },
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
    }).output();
    if (code !== 0) return { command: `apt-get ${args[0]}`, code };
  }
  return undefined;
}

/** Sets up, runs the tests and resolves with the exit code, or rejects with a sentence. */
async function main(args: string[]): Promise<number> {
  const plan = planSetup(NEEDED_PACKAGES, thisSystem());
  if (plan.action === "refuse") throw new Error(plan.message);
  if (plan.action === "install") {
    console.error(plan.announcement);
    const failure = await aptGetInstall(plan.packages);
    if (failure) throw new Error(installFailure(plan.packages, failure));
    const after = planSetup(NEEDED_PACKAGES, thisSystem(), { afterInstall: true });
    if (after.action === "refuse") throw new Error(after.message);
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: denoTestArgs(args, exists),
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // Ctrl+C reaches deno test too; wait for it to stop and report instead of leaving it behind.
  const ignore = () => {};
  Deno.addSignalListener("SIGINT", ignore);
  try {
    return (await child.status).code;
  } finally {
    Deno.removeSignalListener("SIGINT", ignore);
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
