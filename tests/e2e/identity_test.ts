import { assert, assertEquals, assertMatch } from "@std/assert";
import { join } from "@std/path";
import { makeTempDir, runJoin, startServer, TestClient, unusedPort } from "./_helpers.ts";
import { restart } from "./_faults.ts";
import { CliProcess } from "./_cli.ts";

/** Runs `chat ARGS` to its end with `env`; its exit code and output. */
async function runChat(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  await using cli = new CliProcess(args, { env });
  await cli.closeStdin();
  const status = await cli.wait({ timeoutMs: 15_000 });
  return { code: status.code, stdout: cli.stdout.text, stderr: cli.stderr.text };
}

Deno.test("chat join remembers its device: run again without the passkey, it is back as the same person", async () => {
  await using server = await startServer();
  await using machine = await makeTempDir();
  const env = { CHAT_CONFIG_DIR: machine.path };
  const first = await runJoin([server.address, "--nick", "ana"], {
    passkey: server.passkey,
    env,
    stdin: ["hello from ana"],
  });
  assertEquals(first.code, 0, first.stderr);
  const devices = JSON.parse(await Deno.readTextFile(join(machine.path, "devices.json")));
  assertMatch(String(devices.devices[`${server.address} ana`]), /^[0-9a-f]{16}\.[0-9a-z]{52}$/);
  const mode = (await Deno.stat(join(machine.path, "devices.json"))).mode! & 0o777;
  assertEquals(mode, 0o600, "only its user may read the device credential");

  const again = await runJoin([server.address, "--nick", "ana"], { env, stdin: ["back"] });
  assertEquals(again.code, 0, `no passkey was needed:\n${again.stderr}`);
});

Deno.test("another machine cannot use an owned nick (exit 4), a linked one can", async () => {
  await using server = await startServer();
  await using first = await makeTempDir();
  await using second = await makeTempDir();
  const owner = await runJoin([server.address, "--nick", "ana"], {
    passkey: server.passkey,
    env: { CHAT_CONFIG_DIR: first.path },
    stdin: ["mine"],
  });
  assertEquals(owner.code, 0, owner.stderr);

  const other = await runJoin([server.address, "--nick", "ANA"], {
    passkey: server.passkey,
    env: { CHAT_CONFIG_DIR: second.path },
    stdin: ["not mine"],
  });
  assertEquals(other.code, 4, other.stderr);
  assertMatch(other.stderr, /The nick ANA belongs to someone else; choose another\./);
  assertEquals(other.stderrLines.filter((line) => line.trim() !== "").length, 1, other.stderr);

  // Ana shows a link code on a device that is in (her first machine), and types it on the
  // second machine.
  const devices = JSON.parse(await Deno.readTextFile(join(first.path, "devices.json")));
  await using ana = await TestClient.join(server.port, {
    nick: "ana",
    passkey: server.passkey,
    device: devices.devices[`${server.address} ana`],
  });
  const shown = await ana.request({ type: "link_code", rid: ana.rid() });
  assertEquals(shown.type, "link_code_created");
  await ana.close();
  const linked = await runJoin([server.address, "--nick", "ana", "--link", String(shown.code)], {
    env: { CHAT_CONFIG_DIR: second.path },
    stdin: ["from my second machine"],
  });
  assertEquals(linked.code, 0, linked.stderr);
  const back = await runJoin([server.address, "--nick", "ana"], {
    env: { CHAT_CONFIG_DIR: second.path },
    stdin: ["and again, without a code"],
  });
  assertEquals(back.code, 0, back.stderr);
});

Deno.test("chat invite makes a link that chat join takes without the passkey", async () => {
  await using server = await startServer();
  await using host = await makeTempDir();
  await using guest = await makeTempDir();
  const made = await runChat(["invite", server.address, "--ttl", "2h", "--json"], {
    CHAT_PASSKEY: server.passkey,
    CHAT_CONFIG_DIR: host.path,
  });
  assertEquals(made.code, 0, made.stderr);
  const invite = JSON.parse(made.stdout.trim());
  assertMatch(invite.link, /^http:\/\/127\.0\.0\.1:\d+\/#invite=[0-9a-z]{26}&chat=\d+$/);
  const expires = Date.parse(invite.expires) - Date.now();
  assert(expires > 7_100_000 && expires <= 7_200_000, `valid for ${expires} ms`);

  const joined = await runJoin([invite.link, "--nick", "guest", "--json"], {
    env: { CHAT_CONFIG_DIR: guest.path },
    stdin: ["in by invite"],
  });
  assertEquals(joined.code, 0, joined.stderr);
  assert(joined.events.some((event) => event.text === "in by invite"), joined.stdout.join("\n"));
});

Deno.test("a new passkey signs a remembered device out: chat join without it exits 3 with a sentence", async () => {
  await using dir = await makeTempDir();
  await using machine = await makeTempDir();
  const options = { port: unusedPort(), dataDir: dir.path };
  const env = { CHAT_CONFIG_DIR: machine.path };
  {
    await using server = await startServer(options);
    const first = await runJoin([server.address, "--nick", "ana"], {
      passkey: server.passkey,
      env,
      stdin: ["before"],
    });
    assertEquals(first.code, 0, first.stderr);
  }
  await using server = await restart({ ...options, passkey: null, extraArgs: ["--new-passkey"] });
  const out = await runJoin([server.address, "--nick", "ana"], { env, stdin: ["after"] });
  assertEquals(out.code, 3, out.stderr);
  assertMatch(out.stderr, /no longer signed in/);
  const withNew = await runJoin([server.address, "--nick", "ana"], {
    passkey: server.passkey,
    env,
    stdin: ["with the new passkey, still ana"],
  });
  assertEquals(withNew.code, 0, withNew.stderr);
});
