/**
 * Connection floods against `chat serve` run under a small limit of open files, so that a few
 * hundred connections reach it: the process must survive, its users keep chatting, and the
 * attackers' connections are closed after the handshake timeout.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { encodeChunkFrame } from "../../src/protocol/mod.ts";
import { Flood } from "./_flood.ts";
import { type ChatServer, startServer, TestClient } from "./_helpers.ts";
import { RawWebSocket } from "./_raw_websocket.ts";
import { webPortOf } from "./_web_port.ts";

/** A request begun and never finished. */
const HALF_OPEN_REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n";
const ACCEPT_FAILED = /could not accept/;
const FLOOD_ADDRESSES = ["127.0.0.1", "127.0.0.2"];

/** Sends a line from `from` and waits until `to` has it: the conversation goes on. */
async function converse(from: TestClient, to: TestClient, text: string): Promise<void> {
  const ack = await from.send(text);
  assertEquals(ack.type, "ack", JSON.stringify(ack));
  await to.waitFor((m) => m.type === "message" && m.text === text, {
    what: `"${text}"`,
    timeoutMs: 5000,
  });
}

/** Converses every 100 ms until `done` resolves; resolves with the number of exchanges. */
async function converseUntil(
  alice: TestClient,
  bob: TestClient,
  done: Promise<void>,
): Promise<number> {
  let over = false;
  const finished = done.finally(() => over = true);
  let exchanges = 0;
  while (!over) {
    await converse(
      exchanges % 2 === 0 ? alice : bob,
      exchanges % 2 === 0 ? bob : alice,
      `m${exchanges}`,
    );
    exchanges++;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await finished;
  return exchanges;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Shares a small file: the server opens files for it in its blob store. */
async function upload(client: TestClient, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const ready = await client.request({
    type: "upload",
    rid: client.rid(),
    name: "during-the-flood.txt",
    size: bytes.byteLength,
  });
  assertEquals(ready.type, "upload_ready", JSON.stringify(ready));
  await client.sendBytes(encodeChunkFrame(Number(ready.transfer), bytes));
  const done = await client.request({
    type: "upload_end",
    rid: client.rid(),
    transfer: ready.transfer,
    sha256: await sha256Hex(bytes),
  });
  assertEquals(done.type, "upload_done", JSON.stringify(done));
}

function acceptFailures(server: ChatServer): number {
  return server.stderr.lines.filter((line) => ACCEPT_FAILED.test(line)).length;
}

function assertAlive(server: ChatServer): void {
  assert(!server.process.exited, `the server is alive\n${server.process.describe()}`);
}

Deno.test("a flood of half-open requests on the web port fills no more than the connection budget", async () => {
  // 512 open files: the server keeps 256 of them from connections.
  await using server = await startServer({
    wrapper: ["prlimit", "--nofile=512:512"],
    extraArgs: ["--handshake-timeout", "1", "--max-connections-per-address", "0"],
  });
  const webPort = webPortOf(server);
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });

  await using flood = new Flood(webPort, {
    count: 600,
    addresses: FLOOD_ADDRESSES,
    greeting: HALF_OPEN_REQUEST,
  });
  const floodEnded = flood.until(
    () => flood.ended === flood.connections.length,
    "the server to close every flooding connection",
    12_000,
  );
  await flood.until(() => flood.connected + flood.ended >= 400, "most of the flood to connect");
  await server.stderr.match(/out of file descriptors at \d+ connections/);
  // Connections are at their cap: files can still be opened, from the reserve.
  await upload(alice, new TextEncoder().encode("the blob store still opens files"));
  const exchanges = await converseUntil(alice, bob, floodEnded);
  assertAlive(server);
  assert(exchanges >= 2, `alice and bob kept talking during the flood (${exchanges} exchanges)`);

  const refused = flood.connections.filter(({ received }) => received.startsWith("HTTP/1.1 503"));
  const timedOut = flood.connections.filter(({ received }) => received === "");
  assert(refused.length >= 200, `connections over the budget hear 503\n${flood.describe()}`);
  assert(timedOut.length >= 200, `admitted ones are closed without an answer\n${flood.describe()}`);
  assertEquals(refused.length + timedOut.length, 600, flood.describe());
  const soonest = Math.min(...timedOut.map(({ connectedAt, endedAt }) => endedAt! - connectedAt!));
  assert(soonest >= 900, `closed after the 1 s handshake timeout, not before (${soonest} ms)`);
  assertEquals(acceptFailures(server), 0, "the cap kept accept() from running out of files");

  await converse(alice, bob, "after the flood");
  await using carol = await TestClient.join(server.port, {
    nick: "carol",
    passkey: server.passkey,
  });
  await converse(carol, alice, "carol got in");
});

Deno.test("running out of open files on both ports ends no process and stops no port", async () => {
  await using server = await startServer({
    extraArgs: [
      "--handshake-timeout",
      "1",
      "--max-connections",
      "0",
      "--max-connections-per-address",
      "0",
    ],
  });
  const webPort = webPortOf(server);
  await using alice = await TestClient.join(server.port, {
    nick: "alice",
    passkey: server.passkey,
  });
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey: server.passkey });
  // Below what the server read at start: its budget does not stop accept() from failing.
  const limited = await new Deno.Command("prlimit", {
    args: ["--pid", String(server.process.pid), "--nofile=256:256"],
  }).output();
  assert(limited.success, new TextDecoder().decode(limited.stderr));

  await using web = new Flood(webPort, {
    count: 400,
    addresses: FLOOD_ADDRESSES,
    greeting: HALF_OPEN_REQUEST,
  });
  await using chat = new Flood(server.port, {
    count: 200,
    addresses: FLOOD_ADDRESSES,
    greeting: "",
  });
  const floodEnded = Promise.all([
    web.until(() => web.ended === 400, "the web port to close every flooding connection", 12_000),
    chat.until(
      () => chat.ended === 200,
      "the chat port to close every flooding connection",
      12_000,
    ),
  ]).then(() => {});
  const exchanges = await converseUntil(alice, bob, floodEnded);
  assertAlive(server);
  assert(exchanges >= 2, `alice and bob kept talking during the flood (${exchanges} exchanges)`);
  const failures = acceptFailures(server);
  assert(failures >= 1, `accept() did run out of files\n${server.process.describe()}`);
  assert(failures <= 4, `logged once per burst and port, not per failure (${failures} lines)`);

  await converse(alice, bob, "after the flood");
  await using carol = await TestClient.join(server.port, {
    nick: "carol",
    passkey: server.passkey,
  });
  await converse(carol, alice, "carol got in");
  await using dave = await RawWebSocket.open(webPort);
  await dave.sendJson({ type: "hello", v: 1, nick: "dave", passkey: server.passkey });
  await dave.waitFor((m) => m.type === "welcome", "welcome over the WebSocket");
});
