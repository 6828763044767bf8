import { assertEquals } from "@std/assert";
import { installFailure } from "../../../scripts/test_setup/mod.ts";

const CHROMIUM = { name: "chromium", proof: "/usr/bin/chromium", neededBy: "the browser tests" };
const TMUX = { name: "tmux", proof: "tmux", neededBy: "the terminal tests" };

Deno.test("installFailure() says which apt-get step failed and what to install by hand", () => {
  const cases = [
    {
      packages: [TMUX],
      failure: { command: "apt-get update", code: 100 },
      sentence: "apt-get update failed with exit code 100, so tmux is not installed; install it " +
        "by hand (apt-get install tmux) and run the tests again.",
    },
    {
      packages: [CHROMIUM, TMUX],
      failure: { command: "apt-get install", code: 1 },
      sentence: "apt-get install failed with exit code 1, so chromium and tmux are not " +
        "installed; install them by hand (apt-get install chromium tmux) and run the tests again.",
    },
  ];
  for (const { packages, failure, sentence } of cases) {
    assertEquals(installFailure(packages, failure), sentence);
  }
});
