import { assert, assertEquals, assertMatch } from "@std/assert";
import { join } from "@std/path";
import {
  CliProcess,
  hasStackTrace,
  type JoinResult,
  makeTempDir,
  meaningfulLines,
  runJoin,
  spawnJoin,
  startServer,
  TestClient,
  toJoinResult,
  unusedPort,
} from "./_helpers.ts";

function assertCleanFailure(result: JoinResult, code: number): string[] {
  const report = `exit ${result.code}\nstdout:\n${
    result.stdout.join("\n")
  }\nstderr:\n${result.stderr}`;
  assertEquals(result.code, code, report);
  const lines = meaningfulLines(result.stderrLines);
  assert(lines.length >= 1, `a sentence on stderr\n${report}`);
  assert(!hasStackTrace(result.stderr), `no stack trace\n${report}`);
  return lines;
}

Deno.test("chat join with a wrong passkey exits 3 and says so without a stack trace", async () => {
  await using server = await startServer();
  const result = await runJoin([server.address, "--nick", "mallory"], {
    passkey: `${server.passkey}-wrong`,
    stdin: ["should never arrive"],
  });
  const lines = assertCleanFailure(result, 3);
  assertMatch(lines.join("\n"), /passkey/i);
  assert(!result.stderr.includes(server.passkey), "the real passkey is not revealed");
});

Deno.test("chat join with a nick taken in another case exits 4", async () => {
  await using server = await startServer();
  await using _alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  const result = await runJoin([server.address, "--nick", "Alice"], {
    passkey: server.passkey,
    stdin: ["hello"],
  });
  const lines = assertCleanFailure(result, 4);
  assertMatch(lines.join("\n"), /alice/i);
});

Deno.test("chat join with an invalid nick exits 4", async () => {
  await using server = await startServer();
  for (const nick of ["bad nick!", "a/b", "x".repeat(33)]) {
    const result = await runJoin([server.address, "--nick", nick], {
      passkey: server.passkey,
      stdin: ["hello"],
    });
    assertCleanFailure(result, 4);
  }
});

Deno.test("usage errors exit 2 with a sentence and no stack trace", async () => {
  // "chat join" alone is no usage error: it looks for a server on the network (discovery_test.ts).
  const cases = [
    ["join", "127.0.0.1:notaport"],
    ["join", `127.0.0.1:${unusedPort()}`, "--no-such-flag"],
    ["serve", "--port", "notaport"],
    ["no-such-command"],
  ];
  for (const args of cases) {
    await using cli = new CliProcess(args, { env: { CHAT_PASSKEY: "whatever" } });
    await cli.closeStdin();
    const status = await cli.wait();
    assertCleanFailure(toJoinResult(cli, status), 2);
  }
});

Deno.test("chat serve generates a passkey, stores it with mode 0600 and reuses it", async () => {
  await using dir = await makeTempDir();
  let passkey: string;
  {
    await using server = await startServer({ passkey: null, dataDir: dir.path });
    passkey = server.passkey;
    assert(passkey.length >= 8, `a passkey worth guessing: ${passkey}`);
    const stored = await Deno.readTextFile(join(dir.path, "passkey"));
    assertEquals(stored.trim(), passkey);
    if (Deno.build.os !== "windows") {
      const info = await Deno.stat(join(dir.path, "passkey"));
      assertEquals((info.mode ?? 0) & 0o777, 0o600, `mode ${(info.mode ?? 0).toString(8)}`);
    }
    const joined = await runJoin([server.address, "--nick", "ada", "--json"], {
      passkey,
      stdin: ["with the generated passkey"],
    });
    assertEquals(joined.code, 0, joined.stderr);
    const stopped = await server.stop({ signal: "SIGINT" });
    assert(!stopped.forced, `SIGINT (Ctrl+C) stops the server\n${server.process.describe()}`);
  }
  await using again = await startServer({ passkey: null, dataDir: dir.path });
  assertEquals(again.passkey, passkey, "a restart on the same data dir keeps the passkey");
});

Deno.test("chat serve takes the passkey from CHAT_PASSKEY", async () => {
  await using server = await startServer({
    passkey: null,
    env: { CHAT_PASSKEY: "from-the-env-42" },
  });
  assertEquals(server.passkey, "from-the-env-42");
  await using client = await TestClient.join(server.port, {
    nick: "ada",
    passkey: "from-the-env-42",
  });
  await client.ping();
});

Deno.test("chat join to a port nobody listens on exits 1 with one clear line", async () => {
  const result = await runJoin([`127.0.0.1:${unusedPort()}`, "--nick", "ada"], {
    passkey: "whatever",
    stdin: ["hello?"],
  });
  const lines = assertCleanFailure(result, 1);
  assertEquals(lines.length, 1, `exactly one line:\n${result.stderr}`);
});

Deno.test("chat join exits 1 with one clear line when the server dies", async () => {
  await using server = await startServer();
  await using client = spawnJoin([server.address, "--nick", "ada", "--json", "--no-reconnect"], {
    passkey: server.passkey,
  });
  await client.ready();
  server.kill("SIGKILL");
  await server.stop();
  const status = await client.process.wait({ what: "the client to notice the server is gone" });
  const result = toJoinResult(client.process, status);
  const lines = assertCleanFailure(result, 1);
  assertEquals(lines.length, 1, `exactly one line:\n${result.stderr}`);
});
