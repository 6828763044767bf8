/**
 * Discovery for real: servers announce themselves over multicast DNS in one network namespace
 * and clients find them from another, across a veth pair (_netns.ts). Servers run with exactly
 * the chat-server binary's permissions and clients with the chat binary's, so that the
 * permissions the README documents are the ones that work.
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { join } from "@std/path";
import { PERMISSIONS, SERVER_PERMISSIONS } from "../../scripts/compile.ts";
import {
  type ChatServer,
  CliProcess,
  makeTempDir,
  runJoin,
  spawnJoin,
  startServer,
  type TempDir,
} from "./_helpers.ts";
import { createLan, type LanHost } from "./_netns.ts";

/** Starts `chat serve --host 0.0.0.0 --port 0 --name NAME` in `host`'s namespace. */
async function serveIn(
  host: LanHost,
  dir: TempDir,
  name: string,
  extraArgs: string[] = [],
): Promise<ChatServer> {
  return await startServer({
    host: "0.0.0.0",
    netns: host.namespace,
    permissions: SERVER_PERMISSIONS,
    cwd: dir.path,
    dataDir: join(dir.path, "chat-data"),
    extraArgs: ["--name", name, "--no-qr", ...extraArgs],
  });
}

/** What `pattern`'s group 1 is in the banner of `server`, such as its web port. */
function printed(server: ChatServer, pattern: RegExp): string {
  const match = server.stdout.lines.map((line) => line.match(pattern)).find((found) => found);
  if (!match) throw new Error(`The banner has no ${pattern}:\n${server.process.describe()}`);
  return match[1];
}

/** Runs `chat discover --json` in `host`'s namespace to its end. */
async function discoverIn(host: LanHost) {
  await using cli = new CliProcess(["discover", "--json"], {
    netns: host.namespace,
    permissions: PERMISSIONS,
  });
  await cli.closeStdin();
  const status = await cli.wait({ timeoutMs: 10_000 });
  return {
    code: status.code,
    servers: cli.stdout.lines.filter((line) => line.startsWith("{")).map((line) =>
      JSON.parse(line)
    ),
    stderr: cli.stderr.lines,
  };
}

Deno.test("servers in one network namespace are found and joined from another", async () => {
  await using lan = await createLan();
  await using roomDir = await makeTempDir();
  await using labDir = await makeTempDir();
  const [room, lab] = await Promise.all([
    serveIn(lan.server, roomDir, "Room 214"),
    serveIn(lan.server, labDir, "Lab 2", ["--tls"]),
  ]);
  await using _room = room;
  await using _lab = lab;
  const client = { netns: lan.client.namespace, permissions: PERMISSIONS };

  // Two servers: discover lists both; join in a script refuses to pick one.
  const [found, several] = await Promise.all([
    discoverIn(lan.client),
    runJoin(["--nick", "bob"], { ...client, passkey: room.passkey, stdin: ["never sent"] }),
  ]);
  assertEquals(found.code, 0, found.stderr.join("\n"));
  assertEquals(found.servers, [
    {
      name: "Lab 2",
      addresses: [lan.server.address],
      chat_port: lab.port,
      web_port: Number(printed(lab, /Web: https:\/\/127\.0\.0\.1:(\d+)\//)),
      fingerprint: printed(lab, /TLS fingerprint: (\S+)/),
      version: 1,
    },
    {
      name: "Room 214",
      addresses: [lan.server.address],
      chat_port: room.port,
      web_port: Number(printed(room, /Web: http:\/\/127\.0\.0\.1:(\d+)\//)),
      version: 1,
    },
  ]);
  assertEquals(several.code, 2, several.stderr);
  assertMatch(several.stderr, /Found 2 chat servers on the network; give the address/);
  assertMatch(several.stderr, new RegExp(`1\\. Lab 2 +${lan.server.address} +chat ${lab.port}`));
  assertMatch(
    several.stderr,
    new RegExp(`2\\. Room 214 +${lan.server.address} +chat ${room.port}`),
  );

  // One server: chat join with no address joins it, and its message arrives.
  assert(!(await lab.stop()).forced, "the TLS server stopped cleanly");
  await using ana = spawnJoin([room.address, "--json", "--nick", "ana"], {
    netns: lan.server.namespace,
    passkey: room.passkey,
  });
  await ana.ready();
  const joined = await runJoin(["--json", "--nick", "bob"], {
    ...client,
    passkey: room.passkey,
    stdin: ["hello from the other namespace"],
  });
  assertEquals(joined.code, 0, joined.stderr);
  assert(
    joined.stderrLines.includes(`Joining Room 214 at ${lan.server.address}:${room.port}.`),
    `it says which server it joins:\n${joined.stderr}`,
  );
  await ana.waitFor(
    (event) => event.from === "bob" && event.text === "hello from the other namespace",
    { what: "bob's message, sent from the other namespace" },
  );

  // No server: both say so in one sentence and exit 1.
  await ana.close();
  assert(!(await room.stop()).forced, "the server stopped cleanly");
  const [none, alone] = await Promise.all([
    discoverIn(lan.client),
    runJoin(["--nick", "bob"], { ...client, passkey: room.passkey, stdin: ["never sent"] }),
  ]);
  assertEquals([none.code, none.servers, none.stderr], [1, [], [
    "chat discover: No chat server answered on the network within 2 s; check that one is " +
    "running there, and not with --no-announce.",
  ]]);
  assertEquals([alone.code, alone.stderrLines.at(-1)], [
    1,
    "chat join: No chat server answered on the network within 2 s; check that one is running " +
    'there, or give its address: "chat join HOST[:PORT]".',
  ]);
});
