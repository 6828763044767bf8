import { assertEquals } from "@std/assert";
import { denoTestArgs } from "../../../scripts/test_setup/mod.ts";

const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

/** Paths that exist, for the fake `isPath`. */
const PATHS = ["tests/", "tests/e2e/chat_test.ts", "tests/e2e", "tests/client/"];

const CASES: { args: string[]; after: string[] }[] = [
  { args: [], after: ["tests/"] },
  { args: ["tests/e2e/chat_test.ts"], after: ["tests/e2e/chat_test.ts"] },
  { args: ["tests/e2e", "tests/client/"], after: ["tests/e2e", "tests/client/"] },
  { args: ["--fail-fast"], after: ["tests/", "--fail-fast"] },
  { args: ["--filter", "parseInput"], after: ["tests/", "--filter", "parseInput"] },
  { args: ["--filter=tests/e2e"], after: ["tests/", "--filter=tests/e2e"] },
  {
    args: ["--fail-fast", "tests/e2e/chat_test.ts"],
    after: ["--fail-fast", "tests/e2e/chat_test.ts"],
  },
  // Everything after -- goes to the tests, even a word that names a path.
  { args: ["--", "tests/e2e"], after: ["tests/", "--", "tests/e2e"] },
  { args: ["tests/e2e", "--", "x"], after: ["tests/e2e", "--", "x"] },
  // A misspelt path is not a flag: deno test itself says it does not exist.
  { args: ["tests/e2e/chat_tset.ts"], after: ["tests/", "tests/e2e/chat_tset.ts"] },
];

Deno.test("denoTestArgs() runs tests/ unless a path is given, and passes the arguments on", () => {
  for (const { args, after } of CASES) {
    assertEquals(
      denoTestArgs(args, (arg) => PATHS.includes(arg)),
      ["test", ...PERMISSIONS, ...after],
      JSON.stringify(args),
    );
  }
});
