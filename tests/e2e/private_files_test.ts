import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { hasStackTrace, makeTempDir, spawnJoin, startServer } from "./_helpers.ts";
import { type FileEntry, listDir, runFileCli, sendFile, sha256File } from "./_files.ts";
import { writeRandomFile } from "../support/mod.ts";

/** `chat files ... --json` on one person's machine, parsed; fails unless it exits 0. */
async function filesOf(
  args: readonly string[],
  options: { passkey: string; configDir: string },
): Promise<FileEntry[]> {
  const result = await runFileCli(["files", ...args, "--json"], {
    passkey: options.passkey,
    env: { CHAT_CONFIG_DIR: options.configDir },
  });
  assertEquals(result.code, 0, result.describe);
  return result.stdout.filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
}

Deno.test("chat send-file --to ben delivers to ben only: ben and the sender get it, cy can neither list nor fetch it", async () => {
  await using server = await startServer({ quiet: true });
  const passkey = server.passkey;
  // Three people on three machines: each has a config dir of its own, with its own device.
  await using anaHome = await makeTempDir();
  await using benHome = await makeTempDir();
  await using cyHome = await makeTempDir();
  await using benSaves = await makeTempDir();
  await using anaSaves = await makeTempDir();
  await using cySaves = await makeTempDir();
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey,
    env: { CHAT_CONFIG_DIR: benHome.path },
  });
  await using cy = spawnJoin([server.address, "--nick", "cy", "--json"], {
    passkey,
    env: { CHAT_CONFIG_DIR: cyHome.path },
  });
  await Promise.all([ben.ready(), cy.ready()]);

  const path = join(anaHome.path, "for-ben.bin");
  const sha256 = await writeRandomFile(path, 3 * 1024 * 1024 + 17);
  const { id, result: sent } = await sendFile(server, [path, "--to", "ben", "--nick", "ana"], {
    env: { CHAT_CONFIG_DIR: anaHome.path },
  });
  assertStringIncludes(sent.stderr, "with ben only");

  const delivered = await ben.waitFor((e) => e.type === "file" && e.id === id, {
    what: "the private file at ben",
  });
  assertEquals([delivered.from, delivered.to], ["ana", "ben"]);
  assertEquals((delivered.file as { sha256: string }).sha256, sha256);

  const atBen = await runFileCli(["get", server.address, String(id), "--nick", "ben"], {
    cwd: benSaves.path,
    passkey,
    env: { CHAT_CONFIG_DIR: benHome.path },
  });
  assertEquals(atBen.code, 0, atBen.describe);
  assertEquals(await sha256File(join(benSaves.path, "for-ben.bin")), sha256);
  const atAna = await runFileCli(["get", server.address, String(id), "--nick", "ana"], {
    cwd: anaSaves.path,
    passkey,
    env: { CHAT_CONFIG_DIR: anaHome.path },
  });
  assertEquals(atAna.code, 0, `the sender gets it too\n${atAna.describe}`);
  assertEquals(await sha256File(join(anaSaves.path, "for-ben.bin")), sha256);
  const benList = await filesOf([server.address, "--with", "ana", "--nick", "ben"], {
    passkey,
    configDir: benHome.path,
  });
  assertEquals(benList.map((file) => [file.id, file.to]), [[id, "ben"]]);
  assertEquals(
    (await filesOf([server.address, "--nick", "ben"], { passkey, configDir: benHome.path }))
      .filter((file) => file.id === id),
    [],
    "a private file is not among the room's",
  );

  // cy: not in the room's files, not in a conversation of cy's, not fetchable.
  for (const args of [[], ["--with", "ana"], ["--with", "ben"]]) {
    const listed = await filesOf([server.address, ...args, "--nick", "cy"], {
      passkey,
      configDir: cyHome.path,
    });
    assertEquals(listed.filter((file) => file.id === id), [], `chat files ${args.join(" ")}`);
  }
  const since = cy.mark();
  await cy.write("/files");
  const listing = await cy.waitFor((e) => e.type === "system" && e.event === "files", {
    since,
    what: "cy's /files",
  });
  assertEquals((listing.files as FileEntry[]).filter((file) => file.id === id), []);
  for (const nick of ["cy", "ana", "ben"]) {
    // Borrowing the nick of one of the two does not help: both nicks are owned.
    const refused = await runFileCli(["get", server.address, String(id), "--nick", nick], {
      cwd: cySaves.path,
      passkey,
      env: { CHAT_CONFIG_DIR: cyHome.path },
    });
    assertEquals(refused.code, nick === "cy" ? 1 : 4, refused.describe);
    assertEquals(refused.stderrLines.length, 1, `one sentence:\n${refused.stderr}`);
    assert(!hasStackTrace(refused.stderr), refused.stderr);
    if (nick === "cy") assertStringIncludes(refused.stderr, `There is no file ${id}`);
  }
  assertEquals(await listDir(cySaves.path), [], "nothing written at cy's");

  const cyResult = await cy.close();
  assertEquals(cyResult.code, 0, cyResult.stderr);
  assertEquals(
    cyResult.events.filter((e) => e.id === id || JSON.stringify(e).includes("for-ben")),
    [],
    "cy's chat join never heard of it",
  );
});
