import { assertEquals, assertMatch } from "@std/assert";

const ROOT = new URL("../../", import.meta.url);

/** The test task's own command line from deno.json, with this deno for `deno`. */
async function testTask(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT)));
  const [deno, ...args] = (config.tasks.test as string).split(" ");
  assertEquals(deno, "deno");
  return args;
}

Deno.test("deno task test refuses with one sentence when it cannot install what is missing", async () => {
  // With nothing on PATH, tmux, openssl and apt-get are all missing, so even root cannot install.
  const output = await new Deno.Command(Deno.execPath(), {
    args: await testTask(),
    cwd: ROOT,
    env: { PATH: "" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 1, stderr);
  assertEquals(new TextDecoder().decode(output.stdout), "");
  assertMatch(
    stderr,
    /^The [a-z ]+ tests need Debian's [^;\n]*tmux[^;\n]*; install them \(apt-get install [a-z0-9 .+-]+\) or run this as root on Debian\.\n$/,
  );
});
