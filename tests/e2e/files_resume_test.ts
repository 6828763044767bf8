import { assert, assertEquals, assertLess, assertMatch } from "@std/assert";
import { join } from "@std/path";
import { type JsonEvent, makeTempDir, spawnJoin, startServer } from "./_helpers.ts";
import { crash, restart } from "./_faults.ts";
import {
  FileCli,
  listDir,
  listFiles,
  MIB,
  pollUntil,
  runFileCli,
  sendFile,
  serverPartials,
  sha256File,
  sizeOf,
} from "./_files.ts";
import { writeRandomFile } from "../support/mod.ts";

/** Big enough that a transfer on localhost is still running when the test kills it. */
const BIG = 64 * MIB;

Deno.test("an interrupted upload resumes where the server got to and arrives intact", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const source = join(work.path, "big.bin");
  const sha256 = await writeRandomFile(source, BIG);
  const args = ["send-file", server.address, source, "--nick", "alice"];

  {
    await using first = new FileCli(args, { passkey: server.passkey });
    await pollUntil(
      async () => (await serverPartials(server.dataDir)).some((part) => part.size > 0) || undefined,
      {
        what: "the server's partial upload to grow",
        intervalMs: 5,
        context: () => first.describe(),
      },
    );
    first.kill("SIGKILL");
    const status = await first.status;
    assert(!status.success, "the upload finished before it could be interrupted");
  }
  const partials = await serverPartials(server.dataDir);
  assertEquals(partials.length, 1, `the server kept the partial: ${JSON.stringify(partials)}`);
  assertLess(partials[0].size, BIG);
  assertEquals(await listFiles(server), [], "an interrupted upload is not shared");

  const { id, result } = await sendFile(server, [source, "--nick", "alice"], { timeoutMs: 40_000 });
  assertMatch(result.stderr, /Resuming at [1-9]/, "the retry says it resumes past the start");
  const listed = await listFiles(server);
  assertEquals(listed.map((file) => [file.id, file.size, file.sha256]), [[id, BIG, sha256]]);
  assertEquals(await serverPartials(server.dataDir), [], "no partial left behind");

  const target = join(work.path, "target");
  await Deno.mkdir(target);
  const got = await runFileCli(["get", server.address, String(id)], {
    cwd: target,
    passkey: server.passkey,
    timeoutMs: 40_000,
  });
  assertEquals(got.code, 0, got.describe);
  assertEquals(await sha256File(join(target, "big.bin")), sha256);
});

Deno.test("an interrupted get resumes from its partial file and saves an identical copy", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const source = join(work.path, "big.bin");
  const sha256 = await writeRandomFile(source, BIG);
  const { id } = await sendFile(server, [source, "--nick", "alice"], { timeoutMs: 40_000 });
  const target = join(work.path, "target");
  await Deno.mkdir(target);
  const args = ["get", server.address, String(id)];

  {
    await using first = new FileCli(args, { cwd: target, passkey: server.passkey });
    await pollUntil(async () => {
      for (const name of await listDir(target)) {
        if (((await sizeOf(join(target, name))) ?? 0) > 0) return true;
      }
      return undefined;
    }, { what: "a partial download to grow", intervalMs: 5, context: () => first.describe() });
    first.kill("SIGKILL");
    const status = await first.status;
    assert(!status.success, "the download finished before it could be interrupted");
  }
  const left = await listDir(target);
  assert(!left.includes("big.bin"), `an interrupted get leaves no final file: ${left}`);

  const second = await runFileCli(args, {
    cwd: target,
    passkey: server.passkey,
    timeoutMs: 40_000,
  });
  assertEquals(second.code, 0, second.describe);
  assertMatch(second.stderr, /Resuming at [1-9]/, "the retry says it resumes past the start");
  assertEquals(await listDir(target), ["big.bin"], "the partial file is gone");
  assertEquals(await sha256File(join(target, "big.bin")), sha256);
});

Deno.test("chat messages are delivered while a big upload is running", async () => {
  await using server = await startServer({ quiet: true });
  await using work = await makeTempDir();
  const source = join(work.path, "big.bin");
  await writeRandomFile(source, BIG);
  const passkey = server.passkey;
  await using alice = spawnJoin([server.address, "--nick", "alice", "--json"], { passkey });
  await alice.ready();
  await using bob = spawnJoin([server.address, "--nick", "bob", "--json"], { passkey });
  await bob.ready();

  await using upload = new FileCli(["send-file", server.address, source, "--nick", "carol"], {
    passkey,
  });
  await pollUntil(
    async () => (await serverPartials(server.dataDir)).some((part) => part.size > 0) || undefined,
    { what: "the upload to start", intervalMs: 5, context: () => upload.describe() },
  );

  const exchanges: { latencyMs: number; duringUpload: boolean }[] = [];
  for (let i = 0; i < 6 && !upload.exited; i++) {
    const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
    const text = `during the upload ${i}`;
    const since = to.mark();
    const started = performance.now();
    await from.write(text);
    await to.waitFor((e) => e.type === "message" && e.text === text, { since, timeoutMs: 5_000 });
    exchanges.push({ latencyMs: performance.now() - started, duringUpload: !upload.exited });
  }
  const result = await upload.wait({ timeoutMs: 40_000 });
  assertEquals(result.code, 0, result.describe);

  assert(
    exchanges.some((exchange) => exchange.duringUpload),
    `a message arrived before the upload finished: ${JSON.stringify(exchanges)}`,
  );
  for (const exchange of exchanges) {
    assertLess(
      exchange.latencyMs,
      1000,
      `each message arrives within 1 s: ${JSON.stringify(exchanges)}`,
    );
  }
  const fileEvent = await bob.waitFor((e: JsonEvent) => e.type === "file" && e.from === "carol", {
    what: "carol's file event",
  });
  const firstMessage = bob.events.findIndex((e) => e.text === "during the upload 0");
  assert(
    firstMessage >= 0 && firstMessage < bob.events.indexOf(fileEvent),
    "bob saw the message before the file was announced",
  );
});

Deno.test("send-file rides out a server crash on its own and the file arrives intact", async () => {
  await using data = await makeTempDir();
  await using work = await makeTempDir();
  const source = join(work.path, "big.bin");
  const sha256 = await writeRandomFile(source, BIG);
  let server = await startServer({ quiet: true, dataDir: data.path });
  const { port, passkey } = server;
  try {
    await using upload = new FileCli(["send-file", server.address, source, "--nick", "alice"], {
      passkey,
    });
    await pollUntil(
      async () => (await serverPartials(data.path)).some((part) => part.size > 0) || undefined,
      { what: "the upload to start", intervalMs: 5, context: () => upload.describe() },
    );
    await crash(server);
    server = await restart({ quiet: true, dataDir: data.path, port, passkey });
    const status = await upload.status;
    assert(status.success, upload.describe());
    assertMatch(upload.stderr.lines.join("\n"), /Retrying in/, "it said it would retry");
    assertMatch(upload.stderr.lines.join("\n"), /Resuming at [1-9]/, "and resumed, not restarted");
    const id = Number(upload.stdout.lines.at(-1));
    const listed = await listFiles(server);
    assertEquals(listed.map((file) => [file.id, file.sha256]), [[id, sha256]]);
  } finally {
    await server.stop();
  }
});
