import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { join, resolve } from "@std/path";
import { hasStackTrace, type JsonEvent, makeTempDir, spawnJoin, startServer } from "./_helpers.ts";
import {
  listDir,
  listFiles,
  MIB,
  pollUntil,
  printedId,
  randomBytes,
  renameStoredFile,
  runFileCli,
  sendFile,
  serverPartials,
  sha256Bytes,
  sha256File,
  sizeOf,
  startFileServer,
} from "./_files.ts";
import { writeRandomFile } from "../support/mod.ts";

const ISO_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** The path `get` printed as its last stdout line, resolved against its working directory. */
function savedPath(stdout: readonly string[], cwd: string): string {
  const last = stdout.filter((line) => line.trim() !== "").at(-1);
  if (last === undefined) throw new Error("chat get printed no saved path");
  return resolve(cwd, last.trim());
}

function isInside(dir: string, path: string): boolean {
  return resolve(path).startsWith(resolve(dir) + "/");
}

Deno.test("send-file then get round-trips random binary files byte for byte", async (t) => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  for (const size of [0, 1, 10_000_000]) {
    await t.step(`${size} bytes`, async () => {
      const name = `random-${size}.bin`;
      const source = join(work.path, name);
      const sha256 = await writeRandomFile(source, size);
      const { id } = await sendFile(server, [source, "--nick", "alice"], { timeoutMs: 30_000 });
      const target = join(work.path, `get-${size}`);
      await Deno.mkdir(target);
      const got = await runFileCli(["get", server.address, String(id)], {
        cwd: target,
        passkey: server.passkey,
        timeoutMs: 30_000,
      });
      assertEquals(got.code, 0, got.describe);
      assertEquals(await listDir(target), [name], "saved under its name, nothing left behind");
      assertEquals(savedPath(got.stdout, target), join(target, name), "prints the saved path");
      assertEquals(await sizeOf(join(target, name)), size);
      assertEquals(await sha256File(join(target, name)), sha256);
    });
  }
});

Deno.test("a file piped on stdin is uploaded and get -o - writes only its bytes to stdout", async () => {
  await using server = await startServer({ quiet: true });
  await using cwd = await makeTempDir();
  const bytes = randomBytes(MIB + 123);
  const sha256 = await sha256Bytes(bytes);

  // As from `pg_dump | chat send-file HOST --name dump.sql`: no PATH, stdin piped.
  const { id } = await sendFile(server, ["--name", "dump.sql", "--nick", "alice"], {
    input: bytes,
    cwd: cwd.path,
  });
  const got = await runFileCli(["get", server.address, String(id), "-o", "-"], {
    cwd: cwd.path,
    passkey: server.passkey,
    binaryStdout: true,
  });
  assertEquals(got.code, 0, got.describe);
  assertEquals(
    got.stdoutBytes.byteLength,
    bytes.byteLength,
    "stdout holds the file and nothing else",
  );
  assertEquals(await sha256Bytes(got.stdoutBytes), sha256);
  assertEquals(await listDir(cwd.path), [], "-o - writes no file");

  // `-` reads stdin too; without --name the file is called "stdin".
  const dash = await sendFile(server, ["-", "--nick", "alice"], { input: randomBytes(10) });
  const listed = await listFiles(server);
  assertEquals(listed.find((file) => file.id === id)?.name, "dump.sql");
  assertEquals(listed.find((file) => file.id === id)?.sha256, sha256);
  assertEquals(listed.find((file) => file.id === dash.id)?.name, "stdin");
});

Deno.test("hostile file names are saved safely inside the target directory", async (t) => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const longName = `${"x".repeat(996)}.txt`;
  const cases: { name: string; label: string; check: (saved: string) => void }[] = [
    {
      label: "../../evil.txt",
      name: "../../evil.txt",
      check: (saved) => assertEquals(saved, "evil.txt"),
    },
    {
      label: "..\\..\\win.txt",
      name: "..\\..\\win.txt",
      check: (saved) => assertEquals(saved, "win.txt"),
    },
    {
      label: "an ANSI escape",
      name: "\x1b[31mred",
      check: (saved) => {
        assert(!CONTROL.test(saved), `no control characters in ${JSON.stringify(saved)}`);
        assertStringIncludes(saved, "red");
      },
    },
    {
      label: "a 1000-character name",
      name: longName,
      check: (saved) => {
        const bytes = new TextEncoder().encode(saved).byteLength;
        assert(bytes <= 200, `${bytes} bytes is at most 200`);
        assert(saved.endsWith(".txt"), `keeps the extension: ${saved}`);
      },
    },
  ];
  for (const [index, { label, name, check }] of cases.entries()) {
    await t.step(label, async () => {
      const content = randomBytes(100 + index);
      const { id } = await sendFile(server, ["-", "--name", name, "--nick", "mallory"], {
        input: content,
      });
      // target sits two levels down, so "../../evil.txt" would land in `root`.
      const root = join(work.path, `case-${index}`);
      const target = join(root, "a", "target");
      await Deno.mkdir(target, { recursive: true });
      const got = await runFileCli(["get", server.address, String(id)], {
        cwd: target,
        passkey: server.passkey,
      });
      assertEquals(got.code, 0, got.describe);
      const saved = await listDir(target);
      assertEquals(saved.length, 1, `exactly one file in the target dir: ${saved.join(", ")}`);
      check(saved[0]);
      assertEquals(await sha256File(join(target, saved[0])), await sha256Bytes(content));
      assert(isInside(target, savedPath(got.stdout, target)), `printed path is inside the dir`);
      assertEquals(await listDir(root), ["a"], "nothing written above the target dir");
      assertEquals(await listDir(join(root, "a")), ["target"], "nothing written beside it");
    });
  }
});

Deno.test("a file over --max-file-size is refused with the limit and nothing is listed", async () => {
  await using server = await startFileServer({ maxFileSize: 1000, quiet: true });
  await using work = await makeTempDir();
  const big = join(work.path, "big.bin");
  await writeRandomFile(big, 5000);

  const refused = await runFileCli(["send-file", server.address, big, "--nick", "alice"], {
    passkey: server.passkey,
  });
  assertEquals(refused.code, 1, refused.describe);
  assertEquals(refused.stderrLines.length, 1, `one line on stderr:\n${refused.stderr}`);
  assertMatch(refused.stderr, /\b1000\b|\b1(\.0)? ?kB\b/i, "the message says what the limit is");
  assert(!hasStackTrace(refused.stderr), refused.stderr);
  assertEquals(printedId(refused), undefined, "no id printed");

  const piped = await runFileCli(["send-file", server.address, "--name", "big.bin"], {
    passkey: server.passkey,
    input: randomBytes(5000),
  });
  assertEquals(piped.code, 1, `a piped file over the limit is refused too\n${piped.describe}`);
  assertMatch(
    piped.stderr,
    /\b1000\b|\b1(\.0)? ?kB\b/i,
    "a piped file's message says the limit too",
  );

  assertEquals(await listFiles(server), [], "nothing was shared");
  assertEquals(
    (await serverPartials(server.dataDir)).filter((part) => part.size > 0),
    [],
    "no bytes were kept",
  );

  const small = join(work.path, "small.bin");
  const sha256 = await writeRandomFile(small, 900);
  const { id } = await sendFile(server, [small, "--nick", "alice"]);
  assertEquals((await listFiles(server)).map((file) => [file.id, file.sha256]), [[id, sha256]]);
});

Deno.test("--max-file-size accepts a size with a suffix", async () => {
  await using server = await startFileServer({ maxFileSize: "2K", quiet: true });
  await using work = await makeTempDir();
  const fits = join(work.path, "fits.bin");
  const tooBig = join(work.path, "too-big.bin");
  await writeRandomFile(fits, 1500);
  await writeRandomFile(tooBig, 5000);
  await sendFile(server, [fits, "--nick", "alice"]);
  const refused = await runFileCli(["send-file", server.address, tooBig, "--nick", "alice"], {
    passkey: server.passkey,
  });
  assertEquals(refused.code, 1, refused.describe);
  assertEquals((await listFiles(server)).map((file) => file.name), ["fits.bin"]);
});

Deno.test("send-file of a missing or unreadable path exits 1 with one line and sends nothing", async (t) => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const cases = [
    { label: "a missing file", path: join(work.path, "missing.bin"), mention: "missing.bin" },
    { label: "a directory", path: work.path, mention: undefined },
  ];
  for (const { label, path, mention } of cases) {
    await t.step(label, async () => {
      const result = await runFileCli(["send-file", server.address, path, "--nick", "alice"], {
        passkey: server.passkey,
      });
      assertEquals(result.code, 1, result.describe);
      assertEquals(result.stderrLines.length, 1, `one line on stderr:\n${result.stderr}`);
      assert(!hasStackTrace(result.stderr), result.stderr);
      if (mention !== undefined) assertStringIncludes(result.stderr, mention);
      assertEquals(printedId(result), undefined);
    });
  }
  assertEquals(await listFiles(server), [], "nothing was shared");
});

Deno.test("get never overwrites a file unless told --force", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const source = join(work.path, "notes.txt");
  const sha256 = await writeRandomFile(source, 4321);
  const { id } = await sendFile(server, [source, "--nick", "alice"]);
  const target = join(work.path, "target");
  await Deno.mkdir(target);
  const get = (...extra: string[]) =>
    runFileCli(["get", server.address, String(id), ...extra], {
      cwd: target,
      passkey: server.passkey,
    });

  const first = await get();
  assertEquals(first.code, 0, first.describe);
  assertEquals(savedPath(first.stdout, target), join(target, "notes.txt"));
  await Deno.writeTextFile(join(target, "notes.txt"), "my local edits");

  const second = await get();
  assertEquals(second.code, 0, second.describe);
  assertEquals(savedPath(second.stdout, target), join(target, "notes (1).txt"));
  assertEquals(await listDir(target), ["notes (1).txt", "notes.txt"]);
  assertEquals(await Deno.readTextFile(join(target, "notes.txt")), "my local edits", "kept");
  assertEquals(await sha256File(join(target, "notes (1).txt")), sha256);

  const forced = await get("--force");
  assertEquals(forced.code, 0, forced.describe);
  assertEquals(savedPath(forced.stdout, target), join(target, "notes.txt"));
  assertEquals(await listDir(target), ["notes (1).txt", "notes.txt"], "no notes (2).txt");
  assertEquals(await sha256File(join(target, "notes.txt")), sha256, "overwritten");
});

Deno.test("get -o saves at the given path, or inside it when it is a directory", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const source = join(work.path, "photo.jpg");
  const sha256 = await writeRandomFile(source, 70_000);
  const { id } = await sendFile(server, [source, "--nick", "alice"]);
  const cwd = join(work.path, "cwd");
  const into = join(work.path, "into");
  await Deno.mkdir(cwd);
  await Deno.mkdir(into);

  const atPath = await runFileCli(
    ["get", server.address, String(id), "-o", join(work.path, "renamed.jpg")],
    { cwd, passkey: server.passkey },
  );
  assertEquals(atPath.code, 0, atPath.describe);
  assertEquals(await sha256File(join(work.path, "renamed.jpg")), sha256);
  assertEquals(savedPath(atPath.stdout, cwd), join(work.path, "renamed.jpg"));

  const inDir = await runFileCli(["get", server.address, String(id), "-o", into], {
    cwd,
    passkey: server.passkey,
  });
  assertEquals(inDir.code, 0, inDir.describe);
  assertEquals(await listDir(into), ["photo.jpg"]);
  assertEquals(await sha256File(join(into, "photo.jpg")), sha256);
  assertEquals(await listDir(cwd), [], "nothing saved in the working directory");
});

Deno.test("get of an unknown id exits 1 with one line naming the id", async () => {
  await using server = await startServer({ quiet: true });
  await using cwd = await makeTempDir();
  const result = await runFileCli(["get", server.address, "987654"], {
    cwd: cwd.path,
    passkey: server.passkey,
  });
  assertEquals(result.code, 1, result.describe);
  assertEquals(result.stderrLines.length, 1, `one line on stderr:\n${result.stderr}`);
  assertStringIncludes(result.stderr, "987654");
  assert(!hasStackTrace(result.stderr), result.stderr);
  assertEquals(await listDir(cwd.path), [], "nothing saved");
});

Deno.test("chat files lists a room's files, and --json gives id, name, size, sha256, from, room, ts", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const a = join(work.path, "a.bin");
  const b = join(work.path, "b.txt");
  const shaA = await writeRandomFile(a, 2048);
  const shaB = await writeRandomFile(b, 10);
  const sentA = await sendFile(server, [a, "--nick", "alice"]);
  const sentB = await sendFile(server, [b, "--nick", "bob", "--room", "lab"]);

  const lobby = await listFiles(server);
  const lab = await listFiles(server, ["--room", "lab"]);
  assertEquals(lobby.map((file) => file.id), [sentA.id], "only the lobby's files by default");
  const all = [...lobby, ...lab];
  const byId = new Map(all.map((file) => [file.id, file]));
  assertEquals(all.length, 2, JSON.stringify(all));
  const fileA = byId.get(sentA.id);
  const fileB = byId.get(sentB.id);
  if (fileA === undefined || fileB === undefined) {
    throw new Error(`Not listed under the ids send-file printed: ${JSON.stringify(all)}`);
  }
  assertEquals(
    [fileA.name, fileA.size, fileA.sha256, fileA.from, fileA.room],
    ["a.bin", 2048, shaA, "alice", "lobby"],
  );
  assertEquals(
    [fileB.name, fileB.size, fileB.sha256, fileB.from, fileB.room],
    ["b.txt", 10, shaB, "bob", "lab"],
  );
  assertMatch(fileA.ts, ISO_TS);

  assertEquals((await listFiles(server, ["--room", "lab"])).map((file) => file.id), [sentB.id]);

  const plain = await runFileCli(["files", server.address], { passkey: server.passkey });
  assertEquals(plain.code, 0, plain.describe);
  const text = plain.stdout.join("\n");
  for (const expected of ["a.bin", "alice", String(sentA.id)]) {
    assertStringIncludes(text, expected);
  }
  assert(!text.includes("b.txt"), `the lab's file is not listed for the lobby:\n${text}`);
});

Deno.test("two uploads at once both succeed and are both listed", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const one = join(work.path, "one.bin");
  const two = join(work.path, "two.bin");
  const [shaOne, shaTwo] = await Promise.all([
    writeRandomFile(one, 8 * MIB),
    writeRandomFile(two, 8 * MIB + 1),
  ]);
  const [sentOne, sentTwo] = await Promise.all([
    sendFile(server, [one, "--nick", "alice"], { timeoutMs: 30_000 }),
    sendFile(server, [two, "--nick", "bob"], { timeoutMs: 30_000 }),
  ]);
  assertNotEquals(sentOne.id, sentTwo.id);
  const listed = await listFiles(server);
  assertEquals(
    listed.map((file) => [file.id, file.name, file.sha256]).sort(),
    [[sentOne.id, "one.bin", shaOne], [sentTwo.id, "two.bin", shaTwo]].sort(),
  );
});

function isFileEvent(name: string) {
  return (event: JsonEvent) =>
    event.type === "file" && (event.file as { name?: unknown } | undefined)?.name === name;
}

Deno.test("a file uploaded with /file in chat join arrives as a file event at the other client", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const report = join(work.path, "report.pdf");
  const sha256 = await writeRandomFile(report, 1_200);
  const notes = join(work.path, "notes.md");
  await writeRandomFile(notes, 42);
  const passkey = server.passkey;
  await using alice = spawnJoin([server.address, "--nick", "alice", "--json"], { passkey });
  await alice.ready();
  await using bob = spawnJoin([server.address, "--nick", "bob", "--json"], { passkey });
  await bob.ready();

  await alice.write(`/file ${report}`);
  const event = await bob.waitFor(isFileEvent("report.pdf"), { what: "the file event" });
  assertEquals(event.room, "lobby");
  assertEquals(event.from, "alice");
  assertEquals(typeof event.id, "number");
  assertEquals(event.file, { name: "report.pdf", size: 1_200, sha256 });
  assertStringIncludes(String(event.text), "report.pdf");
  assertStringIncludes(String(event.text), `/get ${event.id}`);
  assertEquals((await listFiles(server)).map((file) => file.id), [event.id], "id == file id");

  await alice.write(`/send ${notes}`);
  const sent = await bob.waitFor(isFileEvent("notes.md"), { what: "the /send file event" });
  assertEquals(sent.from, "alice");
});

Deno.test("/files lists the room's files and /get ID DIR saves one in chat join", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const source = join(work.path, "slides.key");
  const sha256 = await writeRandomFile(source, 300_000);
  const { id } = await sendFile(server, [source, "--nick", "alice"]);
  const dir = join(work.path, "downloads");
  await Deno.mkdir(dir);
  await using bob = spawnJoin([server.address, "--nick", "bob", "--json"], {
    passkey: server.passkey,
  });
  await bob.ready();

  const since = bob.mark();
  await bob.write("/files");
  const listing = await bob.waitFor((e) => e.type === "system" && Array.isArray(e.files), {
    since,
    what: "the /files listing",
  });
  const files = listing.files as { id?: unknown; name?: unknown }[];
  assertEquals(files.map((file) => [file.id, file.name]), [[id, "slides.key"]]);

  await bob.write(`/get ${id} ${dir}`);
  const saved = join(dir, "slides.key");
  await pollUntil(async () => (await sizeOf(saved)) === 300_000 ? true : undefined, {
    what: `${saved} to be saved`,
    context: () => bob.process.describe(),
  });
  assertEquals(await sha256File(saved), sha256);
});

Deno.test("chat join --auto-download saves files shared live in the room, not older ones", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const old = join(work.path, "old.bin");
  await writeRandomFile(old, 1000);
  await sendFile(server, [old, "--nick", "alice"]);
  const dir = join(work.path, "auto");
  await Deno.mkdir(dir);
  await using bob = spawnJoin(
    [server.address, "--nick", "bob", "--json", "--auto-download", dir],
    { passkey: server.passkey },
  );
  await bob.ready();

  const fresh = join(work.path, "fresh.bin");
  const sha256 = await writeRandomFile(fresh, 3 * MIB);
  await sendFile(server, [fresh, "--nick", "alice"]);
  const saved = join(dir, "fresh.bin");
  await pollUntil(async () => (await sizeOf(saved)) === 3 * MIB ? true : undefined, {
    what: `${saved} to be downloaded`,
    context: () => bob.process.describe(),
  });
  assertEquals(await sha256File(saved), sha256);
  await bob.ready();
  assertEquals(await listDir(dir), ["fresh.bin"], "the file from history is not fetched");
});

Deno.test("get makes a hostile name from the server safe itself", async (t) => {
  await using data = await makeTempDir();
  await using work = await makeTempDir();
  const hostile = ["../../evil.txt", "/etc/evil.txt", "..", "\x1b]0;title\x07bell.txt"];
  const ids: number[] = [];
  {
    await using server = await startServer({ quiet: true, dataDir: data.path });
    for (const _ of hostile) {
      ids.push(
        (await sendFile(server, ["-", "--name", "ok.txt"], {
          input: randomBytes(64),
        })).id,
      );
    }
  }
  // The server sanitizes names it receives; a server that does not must not be trusted either.
  hostile.forEach((name, index) => renameStoredFile(data.path, ids[index], name));
  await using server = await startServer({ quiet: true, dataDir: data.path });
  assertEquals(
    (await listFiles(server)).map((file) => file.name).sort(),
    [...hostile].sort(),
    "the server now hands out the hostile names",
  );
  const plain = await runFileCli(["files", server.address], { passkey: server.passkey });
  assertEquals(plain.code, 0, plain.describe);
  assert(!CONTROL.test(plain.stdout.join("")), `chat files prints no control characters`);
  for (const [index, name] of hostile.entries()) {
    await t.step(JSON.stringify(name), async () => {
      const root = join(work.path, `case-${index}`);
      const target = join(root, "a", "target");
      await Deno.mkdir(target, { recursive: true });
      const got = await runFileCli(["get", server.address, String(ids[index])], {
        cwd: target,
        passkey: server.passkey,
      });
      assertEquals(got.code, 0, got.describe);
      const saved = await listDir(target);
      assertEquals(saved.length, 1, `exactly one file in the target dir: ${saved.join(", ")}`);
      assert(!CONTROL.test(saved[0]) && !saved[0].startsWith("."), JSON.stringify(saved[0]));
      assert(isInside(target, savedPath(got.stdout, target)), "printed path is inside the dir");
      assert(!CONTROL.test(got.stdout.join("") + got.stderr), "no control characters printed");
      assertEquals(await listDir(root), ["a"], "nothing written above the target dir");
      assertEquals(await listDir(join(root, "a")), ["target"], "nothing written beside it");
    });
  }
});
