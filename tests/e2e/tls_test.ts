import { chatCommand } from "../../src/cli/serve_banner.ts";
import {
  assert,
  assertEquals,
  assertFalse,
  assertMatch,
  assertNotEquals,
  assertStringIncludes,
} from "@std/assert";
import { join } from "@std/path";
import {
  hasStackTrace,
  type JoinResult,
  makeTempDir,
  meaningfulLines,
  runJoin,
  spawnJoin,
  startServer,
  stripAnsi,
} from "./_helpers.ts";
import { printedId, runFileCli, sha256File } from "./_files.ts";
import { writeRandomFile } from "../support/mod.ts";
import { makeCaSignedCertificate, makeOpensslCertificate, opensslFingerprint } from "./_openssl.ts";
import { concatBytes, containsBytes, RecordingProxy } from "./_recording_proxy.ts";
import { TlsImpostor } from "./_tls_impostor.ts";
import { PRINTED_FINGERPRINT, startTlsServer } from "./_tls_server.ts";

const encoder = new TextEncoder();

/** The known_servers.json of a client config dir, or `undefined` if there is none. */
async function knownServers(configDir: string): Promise<Record<string, string> | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(join(configDir, "known_servers.json"))).servers;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** `chat join --json ...args` to completion with a private config dir; stdin `/who` unless told. */
function runClient(
  args: readonly string[],
  options: { passkey: string; configDir: string; stdin?: string[] },
): Promise<JoinResult> {
  return runJoin([...args, "--json"], {
    passkey: options.passkey,
    env: { CHAT_CONFIG_DIR: options.configDir },
    stdin: options.stdin ?? ["/who"],
  });
}

function describe(result: JoinResult): string {
  return `exit ${result.code}\nstdout:\n${result.stdout.join("\n")}\nstderr:\n${result.stderr}`;
}

/** Asserts a run connected and logged in: exit 0 and the welcome event. */
function assertConnected(result: JoinResult): void {
  assertEquals(result.code, 0, describe(result));
  assert(
    result.events.some((event) => event.type === "system" && event.event === "welcome"),
    `the client got the welcome\n${describe(result)}`,
  );
}

/** Asserts a run was refused with exit `code` and exactly one line on stderr, which it returns. */
function refusalLine(result: JoinResult, code: number): string {
  assertEquals(result.code, code, describe(result));
  const lines = meaningfulLines(result.stderrLines);
  assertEquals(lines.length, 1, `one line on stderr\n${describe(result)}`);
  assertFalse(hasStackTrace(result.stderr), describe(result));
  assertFalse(
    result.events.some((event) => event.event === "welcome"),
    `never logged in\n${describe(result)}`,
  );
  return lines[0];
}

/** Asserts `line` is the changed-certificate warning; the CLI puts `chat join: ` before it. */
function assertChangedWarning(line: string, where: string): void {
  const warning = `WARNING: THE CERTIFICATE OF ${where} HAS CHANGED`;
  assert(
    line.startsWith(warning) || line.startsWith(`chat join: ${warning}`),
    `the line starts with the warning: ${line}`,
  );
}

/** `SHA256:AB:…` with its last byte changed. */
function otherFingerprint(fingerprint: string): string {
  const last = fingerprint.slice(-2);
  return fingerprint.slice(0, -2) + (last === "00" ? "01" : "00");
}

Deno.test("chat serve --tls prints its fingerprint in the join line, and two clients with it chat over TLS", async () => {
  await using server = await startTlsServer({ quiet: true });
  await using config = await makeTempDir();
  assertMatch(server.fingerprint, PRINTED_FINGERPRINT);
  // Run from the checkout, the line names the deno task (the npx form under npx, as in CI): a
  // command the person can type. The server runs on this test's Deno.
  assertEquals(
    stripAnsi(server.joinLine),
    `${chatCommand()} join ${server.address} --tls --fingerprint ${server.fingerprint}`,
  );
  const keyMode = (await Deno.stat(join(server.dataDir, "tls", "key.pem"))).mode! & 0o777;
  assertEquals(keyMode.toString(8), "600", "the generated key is readable by its owner only");
  assert((await Deno.stat(join(server.dataDir, "tls", "cert.pem"))).isFile);

  const options = { passkey: server.passkey, env: { CHAT_CONFIG_DIR: config.path } };
  const tlsArgs = ["--tls", "--fingerprint", server.fingerprint, "--json"];
  await using ada = spawnJoin([server.address, ...tlsArgs, "--nick", "ada"], options);
  await ada.ready();
  await using bob = spawnJoin([server.address, ...tlsArgs, "--nick", "bob"], options);
  await bob.ready();

  let since = ada.mark();
  await bob.write("hello over tls");
  await ada.waitFor(
    (e) => e.type === "message" && e.from === "bob" && e.text === "hello over tls",
    {
      since,
      what: "bob's message",
    },
  );
  since = bob.mark();
  await ada.write("hi bob, encrypted");
  await bob.waitFor(
    (e) => e.type === "message" && e.from === "ada" && e.text === "hi bob, encrypted",
    { since, what: "ada's reply" },
  );
  assertEquals((await ada.close()).code, 0);
  assertEquals((await bob.close()).code, 0);
});

Deno.test("a wrong --fingerprint exits 5 with one line about interception, and the server never sees a login", async () => {
  await using server = await startTlsServer();
  await using config = await makeTempDir();
  const wrong = otherFingerprint(server.fingerprint);
  const refused = await runClient([server.address, "--fingerprint", wrong, "--nick", "mallory"], {
    passkey: server.passkey,
    configDir: config.path,
    stdin: ["should never arrive"],
  });
  const line = refusalLine(refused, 5);
  assertStringIncludes(line, "intercepting");
  assertStringIncludes(line, server.fingerprint, "names the certificate the server presented");
  assertEquals(await knownServers(config.path), undefined, "nothing was remembered");

  // The log is in order: once ada's login shows, mallory's would have shown before it.
  assertConnected(
    await runClient([server.address, "--fingerprint", server.fingerprint, "--nick", "ada"], {
      passkey: server.passkey,
      configDir: config.path,
    }),
  );
  await server.stderr.match(/ada connected/);
  const log = server.stderr.text;
  assertFalse(/mallory|auth failure/.test(log), `no login attempt from mallory:\n${log}`);
});

Deno.test("a client sends nothing to an impostor, whether the fingerprint was given, remembered or unknown", async (t) => {
  await using impostor = await TlsImpostor.start();
  const where = `127.0.0.1:${impostor.port}`;
  const genuine = "SHA256:" + Array(32).fill("AB").join(":");
  const passkey = "the-real-passkey";

  async function refusedByClient(
    args: string[],
    config: string,
    known?: Record<string, string>,
  ): Promise<string> {
    const before = impostor.connections.length;
    if (known !== undefined) {
      await Deno.writeTextFile(
        join(config, "known_servers.json"),
        JSON.stringify({ servers: known }),
      );
    }
    const result = await runClient([where, ...args, "--nick", "ada"], {
      passkey,
      configDir: config,
      stdin: ["a secret message"],
    });
    const line = refusalLine(result, 5);
    await impostor.settled();
    const connections = impostor.connections.slice(before);
    assertEquals(connections.length, 1, `one connection\n${describe(result)}`);
    // The refusal names the impostor's fingerprint, so the client did see its certificate.
    assertStringIncludes(line, impostor.fingerprint);
    assertEquals(connections[0].received, 0, "not one byte after the handshake");
    return line;
  }

  await t.step("given with --fingerprint", async () => {
    await using config = await makeTempDir();
    const line = await refusedByClient(["--fingerprint", genuine], config.path);
    assertStringIncludes(line, "intercepting");
    assertStringIncludes(line, impostor.fingerprint);
    assertEquals(await knownServers(config.path), undefined);
  });

  await t.step("remembered in known_servers.json", async () => {
    await using config = await makeTempDir();
    const line = await refusedByClient(["--tls"], config.path, { [where]: genuine });
    assertChangedWarning(line, where);
    assertStringIncludes(line, genuine);
    assertStringIncludes(line, impostor.fingerprint);
    assertEquals(await knownServers(config.path), { [where]: genuine }, "still the old one");
  });

  await t.step("unknown, with no terminal to ask on", async () => {
    await using config = await makeTempDir();
    const line = await refusedByClient(["--tls"], config.path);
    assertStringIncludes(line, impostor.fingerprint);
    assertStringIncludes(line, "--fingerprint");
    assertEquals(await knownServers(config.path), undefined);
  });
});

Deno.test("a fingerprint given once is remembered for host:port, and later --tls alone connects", async () => {
  await using server = await startTlsServer({ quiet: true });
  await using config = await makeTempDir();
  const options = { passkey: server.passkey, configDir: config.path };

  const unknown = await runClient([server.address, "--tls", "--nick", "ada"], options);
  const line = refusalLine(unknown, 5);
  assertStringIncludes(line, server.fingerprint);
  assertStringIncludes(line, "--fingerprint");

  // As a user might paste it: no prefix, no colons, lower case.
  const typed = server.fingerprint.slice("SHA256:".length).replaceAll(":", "").toLowerCase();
  assertConnected(
    await runClient([server.address, "--fingerprint", typed, "--nick", "ada"], options),
  );
  assertEquals(await knownServers(config.path), { [server.address]: server.fingerprint });
  const mode = (await Deno.stat(join(config.path, "known_servers.json"))).mode! & 0o777;
  assertEquals(mode.toString(8), "600", "known_servers.json is private");

  assertConnected(await runClient([server.address, "--tls", "--nick", "ada"], options));
});

Deno.test("the certificate survives a restart; a new one makes --tls clients refuse with a WARNING", async () => {
  await using data = await makeTempDir();
  await using config = await makeTempDir();
  let port: number;
  let first: string;
  let passkey: string;
  {
    await using server = await startTlsServer({ dataDir: data.path, quiet: true });
    ({ port, fingerprint: first, passkey } = server);
    assertConnected(
      await runClient([server.address, "--fingerprint", first, "--nick", "ada"], {
        passkey,
        configDir: config.path,
      }),
    );
  }
  const address = `127.0.0.1:${port}`;
  const options = { passkey, configDir: config.path };
  {
    await using server = await startTlsServer({ dataDir: data.path, port, passkey, quiet: true });
    assertEquals(server.fingerprint, first, "the stored certificate is used again");
    assertStringIncludes(server.originLine, "kept in the data dir");
    assertConnected(await runClient([address, "--tls", "--nick", "ada"], options));
  }
  await Deno.remove(join(data.path, "tls"), { recursive: true });
  {
    await using server = await startTlsServer({ dataDir: data.path, port, passkey, quiet: true });
    assertNotEquals(server.fingerprint, first, "a new certificate was generated");
    const line = refusalLine(await runClient([address, "--tls", "--nick", "ada"], options), 5);
    assertChangedWarning(line, address);
    assertStringIncludes(line, first);
    assertStringIncludes(line, server.fingerprint);
    assertEquals(await knownServers(config.path), { [address]: first });

    // The way out the warning names: check the new fingerprint and pass it.
    const args = [address, "--fingerprint", server.fingerprint, "--nick", "ada"];
    assertConnected(await runClient(args, options));
    assertEquals(await knownServers(config.path), { [address]: server.fingerprint });
  }
});

Deno.test("send-file, files and get work over TLS and round-trip a file byte for byte", async () => {
  await using server = await startTlsServer({ quiet: true });
  await using config = await makeTempDir();
  await using work = await makeTempDir();
  const options = { passkey: server.passkey, env: { CHAT_CONFIG_DIR: config.path } };
  const source = join(work.path, "secret.bin");
  const sha256 = await writeRandomFile(source, 300_000);

  const sent = await runFileCli(
    ["send-file", server.address, source, "--fingerprint", server.fingerprint, "--nick", "alice"],
    options,
  );
  assertEquals(sent.code, 0, sent.describe);
  const id = printedId(sent);
  assert(id !== undefined, sent.describe);

  const listed = await runFileCli(["files", server.address, "--tls", "--json"], options);
  assertEquals(listed.code, 0, listed.describe);
  const entries = listed.stdout.filter((line) => line.trim() !== "").map((line) =>
    JSON.parse(line)
  );
  assertEquals(
    entries.map(({ id, name, size, sha256 }) => ({ id, name, size, sha256 })),
    [{ id, name: "secret.bin", size: 300_000, sha256 }],
    listed.describe,
  );

  const target = join(work.path, "got");
  await Deno.mkdir(target);
  const fingerprint = server.fingerprint.toLowerCase();
  const got = await runFileCli(["get", server.address, String(id), "--fingerprint", fingerprint], {
    ...options,
    cwd: target,
  });
  assertEquals(got.code, 0, got.describe);
  assertEquals(await sha256File(join(target, "secret.bin")), sha256, "byte for byte");
});

Deno.test("a client without --tls against a TLS server, or with --tls against a plain one, exits 1 with a hint", async (t) => {
  await using config = await makeTempDir();
  await t.step("join and files without --tls", async () => {
    await using server = await startTlsServer({ quiet: true });
    const options = { passkey: server.passkey, configDir: config.path };
    const line = refusalLine(await runClient([server.address, "--nick", "ada"], options), 1);
    assertStringIncludes(line, "--tls");
    const files = await runFileCli(["files", server.address], {
      passkey: server.passkey,
      env: { CHAT_CONFIG_DIR: config.path },
    });
    assertEquals(files.code, 1, files.describe);
    assertEquals(files.stderrLines.length, 1, files.describe);
    assertStringIncludes(files.stderrLines[0], "--tls");
  });
  await t.step("join with --tls against a server without it", async () => {
    await using server = await startServer({ quiet: true });
    const args = [server.address, "--fingerprint", "00".repeat(32), "--nick", "ada"];
    const line = refusalLine(
      await runClient(args, { passkey: server.passkey, configDir: config.path }),
      1,
    );
    assertStringIncludes(line, "--tls");
  });
  assertEquals(await knownServers(config.path), undefined);
});

Deno.test("--tls-cert and --tls-key serve the given certificate, whose fingerprint is openssl's", async () => {
  await using dir = await makeTempDir();
  const { certFile, keyFile } = await makeOpensslCertificate(dir.path);
  const expected = await opensslFingerprint(await Deno.readTextFile(certFile));

  const dataDir = join(dir.path, "data");
  await using server = await startTlsServer({ dataDir, certFile, keyFile, quiet: true });
  assertEquals(server.fingerprint, expected);
  assertStringIncludes(server.originLine, "your certificate");
  await Deno.stat(join(dataDir, "tls")).then(
    () => assert(false, "no certificate is generated when one is given"),
    (error) => assert(error instanceof Deno.errors.NotFound, String(error)),
  );
  await using config = await makeTempDir();
  assertConnected(
    await runClient([server.address, "--fingerprint", expected, "--nick", "ada"], {
      passkey: server.passkey,
      configDir: config.path,
    }),
  );
});

Deno.test("a certificate from a CA the client trusts passes without a fingerprint, but only for its name", async (t) => {
  for (
    const { name, san, trusted } of [
      { name: "issued for 127.0.0.1", san: "IP:127.0.0.1", trusted: true },
      { name: "issued for another name", san: "DNS:example.test", trusted: false },
    ]
  ) {
    await t.step(name, async () => {
      await using dir = await makeTempDir();
      const { caFile, certFile, keyFile } = await makeCaSignedCertificate(dir.path, san);
      await using server = await startTlsServer({ certFile, keyFile, quiet: true });
      await using config = await makeTempDir();
      const result = await runJoin([server.address, "--tls", "--nick", "ada", "--json"], {
        passkey: server.passkey,
        // Deno's way to add a CA to the ones it trusts.
        env: { CHAT_CONFIG_DIR: config.path, DENO_CERT: caFile },
        stdin: ["/who"],
      });
      if (trusted) {
        assertConnected(result);
        assertEquals(await knownServers(config.path), undefined, "nothing to remember");
      } else {
        const line = refusalLine(result, 5);
        assertStringIncludes(line, server.fingerprint);
        assertStringIncludes(line, "--fingerprint");
      }
    });
  }
});

Deno.test("on the wire TLS traffic carries neither the passkey, the nick nor a message in the clear", async (t) => {
  const canary = `canary-${crypto.randomUUID()}`;
  const nick = "nick7q3x";

  /** Runs a client through a recording proxy, says the canary, and returns what was recorded. */
  async function record(
    server: { port: number; passkey: string },
    tlsArgs: string[],
  ): Promise<{ toServer: Uint8Array; toClient: Uint8Array }> {
    await using proxy = RecordingProxy.start(server.port);
    await using config = await makeTempDir();
    await using client = spawnJoin(
      [`127.0.0.1:${proxy.port}`, ...tlsArgs, "--nick", nick, "--json"],
      { passkey: server.passkey, env: { CHAT_CONFIG_DIR: config.path } },
    );
    await client.ready();
    const since = client.mark();
    await client.write(canary);
    await client.waitFor((e) => e.type === "message" && e.text === canary, {
      since,
      what: "the canary message back from the server",
    });
    assertEquals((await client.close()).code, 0);
    await proxy.close();
    assertEquals(proxy.recordings.length, 1, "one connection went through the proxy");
    return proxy.allBytes();
  }

  function leaks(bytes: Uint8Array, secrets: string[]): string[] {
    return secrets.filter((secret) => containsBytes(bytes, encoder.encode(secret)));
  }

  await t.step("with --tls nothing readable passes", async () => {
    await using server = await startTlsServer({ quiet: true });
    const { toServer, toClient } = await record(server, ["--fingerprint", server.fingerprint]);
    const secrets = [server.passkey, nick, canary];
    assertEquals(leaks(toServer, secrets), [], "client to server");
    assertEquals(leaks(toClient, secrets), [], "server to client");
    assertEquals([...toServer.subarray(0, 2)], [0x16, 0x03], "client starts with a TLS handshake");
    assertEquals([...toClient.subarray(0, 2)], [0x16, 0x03], "server answers with a TLS handshake");
    assert(toServer.byteLength > canary.length, "the traffic itself was recorded");
  });

  await t.step("without TLS the same recording shows them (the check can fail)", async () => {
    await using server = await startServer({ quiet: true });
    const { toServer, toClient } = await record(server, []);
    assertEquals(leaks(concatBytes([toServer, toClient]), [server.passkey, nick, canary]), [
      server.passkey,
      nick,
      canary,
    ]);
  });
});
