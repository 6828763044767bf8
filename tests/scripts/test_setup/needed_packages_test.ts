import { assert, assertEquals } from "@std/assert";
import { NEEDED_PACKAGES } from "../../../scripts/test_setup/mod.ts";

Deno.test("NEEDED_PACKAGES rows each name a Debian package, its proof and who needs it", () => {
  for (const row of NEEDED_PACKAGES) {
    const label = JSON.stringify(row);
    assert(/^[a-z0-9][a-z0-9.+-]+$/.test(row.name), `${label}: not a Debian package name`);
    assert(
      row.proof.startsWith("/") || /^[A-Za-z0-9._+-]+$/.test(row.proof),
      `${label}: the proof is neither an absolute path nor a command name`,
    );
    assert(/^the [A-Za-z -]+ tests$/.test(row.neededBy), `${label}: say "the … tests"`);
  }
  const names = NEEDED_PACKAGES.map((row) => row.name);
  assertEquals(new Set(names).size, names.length, "a package listed twice");
});

Deno.test("NEEDED_PACKAGES proves chromium by the path the browser tests launch", async () => {
  const { CHROMIUM_PATH } = await import("../../support/chromium.ts");
  assertEquals(NEEDED_PACKAGES.find((row) => row.name === "chromium")?.proof, CHROMIUM_PATH);
});
