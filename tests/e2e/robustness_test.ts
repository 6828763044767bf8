import { assert, assertEquals } from "@std/assert";
import { encodeFrame, encodeMessage, FrameType } from "../../src/protocol/mod.ts";
import {
  type ChatServer,
  hasStackTrace,
  meaningfulLines,
  type Received,
  spawnJoin,
  startServer,
  TestClient,
  toJoinResult,
} from "./_helpers.ts";

const encoder = new TextEncoder();

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < length; offset += 65_536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + 65_536)));
  }
  return bytes;
}

function header(length: number, type: number): Uint8Array {
  const bytes = new Uint8Array(5);
  new DataView(bytes.buffer).setUint32(0, length);
  bytes[4] = type;
  return bytes;
}

function errorsOf(client: TestClient): Received[] {
  return client.messages.filter((m) => m.type === "error");
}

/** Two fresh clients join and exchange a message: the server is still fine. */
async function assertServerServes(server: ChatServer, tag: string): Promise<void> {
  const passkey = server.passkey;
  await using a = await TestClient.join(server.port, { nick: `a_${tag}`, passkey });
  await using b = await TestClient.join(server.port, { nick: `b_${tag}`, passkey });
  assertEquals((await a.send(`still alive ${tag}`)).type, "ack");
  await b.waitFor((m) => m.type === "message" && m.text === `still alive ${tag}`);
}

/** Connects, sends `bytes`, and returns the client once the server has closed it. */
async function sendAndExpectClose(server: ChatServer, bytes: Uint8Array, label: string) {
  const client = await TestClient.connect(server.port, label);
  try {
    await client.sendBytes(bytes);
    await client.waitForClose();
    return client;
  } finally {
    await client.close();
  }
}

Deno.test("1 MB of random bytes is refused while other clients keep chatting", async () => {
  await using server = await startServer();
  await using noise = await TestClient.connect(server.port, "noise");
  const flood = noise.sendBytes(randomBytes(1_048_576)).catch(() => {
    // The server may close (or reset) the connection before it has read everything.
  });
  await assertServerServes(server, "during");
  await flood;
  // Should the random length happen to be valid, end of input still ends the connection.
  await noise.closeWrite();
  await noise.waitForClose();
  assert(
    noise.messages.every((m) => m.type === "error"),
    `only error frames answer garbage:\n${noise.describe()}`,
  );
  await assertServerServes(server, "after");
});

Deno.test("a frame header over the size limit gets frame_too_large and a close", async () => {
  await using server = await startServer();
  const client = await sendAndExpectClose(server, header(0x20_0000, FrameType.JSON), "huge");
  assertEquals(errorsOf(client).map((m) => [m.code, m.fatal]), [["frame_too_large", true]]);
  await assertServerServes(server, "after");
});

Deno.test("a frame header with length 0 gets bad_frame and a close", async () => {
  await using server = await startServer();
  const client = await sendAndExpectClose(server, header(0, FrameType.JSON), "zero");
  assertEquals(errorsOf(client).map((m) => [m.code, m.fatal]), [["bad_frame", true]]);
  await assertServerServes(server, "after");
});

Deno.test("a first message other than hello gets not_authenticated and a close", async () => {
  await using server = await startServer();
  const send = encodeFrame(
    FrameType.JSON,
    encoder.encode(JSON.stringify({ type: "send", rid: "r1", text: "let me in" })),
  );
  const client = await sendAndExpectClose(server, send, "eager");
  assertEquals(errorsOf(client).map((m) => [m.code, m.fatal]), [["not_authenticated", true]]);
  await assertServerServes(server, "after");
});

Deno.test("a hello with another protocol version gets version_mismatch", async () => {
  await using server = await startServer();
  await using client = await TestClient.connect(server.port);
  const reply = await client.hello({ nick: "future", passkey: server.passkey, v: 99 });
  assertEquals([reply.type, reply.code, reply.fatal], ["error", "version_mismatch", true]);
  await client.waitForClose();
});

Deno.test("bad frames after hello get an error and the connection stays open", async () => {
  await using server = await startServer();
  const passkey = server.passkey;
  await using bob = await TestClient.join(server.port, { nick: "bob", passkey });
  await using alice = await TestClient.join(server.port, { nick: "alice", passkey });
  const cases: [string, Uint8Array, string][] = [
    ["invalid JSON", encodeFrame(FrameType.JSON, encoder.encode("{not json")), "bad_json"],
    ["invalid UTF-8", encodeFrame(FrameType.JSON, new Uint8Array([0xff, 0xfe, 0x7b])), "bad_json"],
    ["a JSON array", encodeFrame(FrameType.JSON, encoder.encode("[1,2]")), "bad_json"],
    ["no type", encodeFrame(FrameType.JSON, encoder.encode('{"text":"hi"}')), "bad_json"],
    ["an unknown frame type", encodeFrame(0x7f, encoder.encode("whatever")), "unknown_frame_type"],
    [
      "an unknown message type",
      encodeFrame(FrameType.JSON, encoder.encode('{"type":"teleport"}')),
      "unknown_type",
    ],
    [
      "a send without text",
      encodeFrame(FrameType.JSON, encoder.encode('{"type":"send","rid":"x1"}')),
      "bad_request",
    ],
  ];
  for (const [what, bytes, code] of cases) {
    const since = alice.mark();
    await alice.sendBytes(bytes);
    const error = await alice.waitFor((m) => m.type === "error", {
      since,
      what: `the error for ${what}`,
    });
    assertEquals([error.code, error.fatal], [code, false], `${what}: ${JSON.stringify(error)}`);
    await alice.ping();
  }
  assertEquals((await alice.send("still here")).type, "ack");
  await bob.waitFor((m) => m.type === "message" && m.text === "still here");
  assert(!alice.closed);
  await assertServerServes(server, "after");
});

Deno.test("stopping the server closes every connection and chat join exits 1 with one line", async () => {
  await using server = await startServer();
  await using raw = await TestClient.join(server.port, { nick: "raw", passkey: server.passkey });
  await using cli = spawnJoin([server.address, "--nick", "cli", "--json", "--no-reconnect"], {
    passkey: server.passkey,
  });
  await cli.ready();
  const stopped = await server.stop();
  assert(!stopped.forced, `SIGTERM stops the server\n${server.process.describe()}`);
  const result = toJoinResult(cli.process, await cli.process.wait());
  const report = cli.process.describe();
  assertEquals(result.code, 1, report);
  assertEquals(meaningfulLines(result.stderrLines).length, 1, report);
  assert(!hasStackTrace(result.stderr), report);
  await raw.waitForClose();
});

Deno.test("a client that stops reading does not hold up the room", async () => {
  await using server = await startServer({ quiet: true, maxMessageBytes: 60_000 });
  const passkey = server.passkey;
  // A connection that says hello and then never reads a byte.
  const stalled = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    await stalled.write(encodeMessage({ type: "hello", v: 1, nick: "stalled", passkey }));
    await using sender = await TestClient.join(server.port, { nick: "sender", passkey });
    await using reader = await TestClient.join(server.port, { nick: "reader", passkey });
    // 160 messages of about 60 KB: more than the socket buffers of the stalled client hold.
    const filler = "x".repeat(59_000);
    const count = 160;
    for (let i = 0; i < count; i++) {
      // Not awaited one by one: the writes queue up in order.
      sender.sendMessage({ type: "send", rid: `s${i}`, text: `${i} ${filler}` });
    }
    await sender.waitUntil(
      (messages) => messages.filter((m) => m.type === "ack").length >= count,
      { what: `${count} acks`, timeoutMs: 20_000 },
    );
    assertEquals(sender.messages.filter((m) => m.type === "error"), []);
    await reader.waitUntil(
      (messages) => messages.filter((m) => m.type === "message").length >= count,
      { what: `${count} messages`, timeoutMs: 20_000 },
    );
    assertEquals((await sender.send("done")).type, "ack");
  } finally {
    stalled.close();
  }
});
