import { assert, assertEquals } from "@std/assert";
import {
  type DecodeResult,
  FrameType,
  OutboundChunk,
  OutboundMessage,
  ProtocolError,
} from "../../../src/protocol/mod.ts";
import { WebSocketConnection } from "../../../src/transport/websocket/websocket_connection.ts";
import { concat } from "../../_pieces.ts";
import {
  clientFrame,
  clientFrameHeader,
  closePayload,
  Op,
  parseServerFrames,
  type ServerFrame,
} from "../../_websocket_frames.ts";

/** A WebSocketConnection on one end of a loopback connection, a raw client on the other. */
async function pair() {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const server = new WebSocketConnection(await listener.accept());
  let pending: Uint8Array = new Uint8Array(0);
  const frames: ServerFrame[] = [];
  let ended = false;
  const reading = (async () => {
    const buffer = new Uint8Array(2 * 1024 * 1024);
    try {
      for (;;) {
        const n = await client.read(buffer);
        if (n === null) break;
        pending = concat(pending, buffer.subarray(0, n));
        const parsed = parseServerFrames(pending);
        frames.push(...parsed.frames);
        pending = pending.slice(parsed.used);
      }
    } catch {
      // Reset by the server.
    } finally {
      ended = true;
    }
  })();
  return {
    server,
    client,
    frames,
    /** Resolves with when the server closed the TCP connection, in ms from now. */
    async ended(): Promise<number> {
      const started = performance.now();
      await reading;
      return performance.now() - started;
    },
    get isEnded() {
      return ended;
    },
    send: (...parts: Uint8Array[]) => client.write(concat(...parts)),
    async [Symbol.asyncDispose]() {
      try {
        client.close();
      } catch {
        // Closed already.
      }
      server.close();
      await reading;
      await server.ended;
    },
  };
}

/** The next frames of `connection` as `type:text` strings, or the error code. */
async function take(frames: AsyncIterator<DecodeResult>, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    const { value, done } = await frames.next();
    if (done) break;
    seen.push(
      value instanceof ProtocolError
        ? `error ${value.code}: ${value.message}`
        : `${value.type}:${new TextDecoder().decode(value.payload)}`,
    );
  }
  return seen;
}

function closeCodeOf(frame: ServerFrame | undefined): number | undefined {
  if (frame?.opcode !== Op.CLOSE) return undefined;
  return new DataView(frame.payload.buffer).getUint16(0);
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("WebSocketConnection turns text into JSON frames and binary into typed frames", async () => {
  await using ws = await pair();
  await ws.send(
    clientFrame(Op.TEXT, '{"type":"ping"}'),
    clientFrame(Op.BINARY, new Uint8Array([0x02, 0, 0, 0, 7, 0x68, 0x69])),
  );
  const frames = ws.server.frames()[Symbol.asyncIterator]();
  assertEquals(await take(frames, 2), ['1:{"type":"ping"}', "2:\u0000\u0000\u0000\u0007hi"]);
  await frames.return?.(undefined);
});

Deno.test("WebSocketConnection.send() writes messages as text and chunks as binary 02 + transfer + data", async () => {
  await using ws = await pair();
  const data = new Uint8Array(100_000).fill(5);
  await ws.server.send([
    new OutboundMessage({ type: "pong", rid: "a" }),
    new OutboundChunk(7, data),
    new OutboundMessage({ type: "pong", rid: "b" }),
  ]);
  await ws.server.send([new OutboundChunk(8, new Uint8Array([1, 2]))]);
  await until(() => ws.frames.length === 4, "four frames");
  assertEquals(ws.frames.map((frame) => [frame.fin, frame.opcode]), [
    [true, Op.TEXT],
    [true, Op.BINARY],
    [true, Op.TEXT],
    [true, Op.BINARY],
  ]);
  assertEquals(new TextDecoder().decode(ws.frames[0].payload), '{"type":"pong","rid":"a"}');
  assertEquals(ws.frames[1].payload, concat(new Uint8Array([FrameType.CHUNK, 0, 0, 0, 7]), data));
  assertEquals(ws.frames[3].payload, new Uint8Array([2, 0, 0, 0, 8, 1, 2]));
});

Deno.test("WebSocketConnection answers a ping with a pong of the same payload", async () => {
  await using ws = await pair();
  await ws.send(clientFrame(Op.PING, "are you there"), clientFrame(Op.TEXT, "{}"));
  const frames = ws.server.frames()[Symbol.asyncIterator]();
  assertEquals(await take(frames, 1), ["1:{}"]);
  await until(() => ws.frames.length === 1, "the pong");
  assertEquals(ws.frames[0].opcode, Op.PONG);
  assertEquals(new TextDecoder().decode(ws.frames[0].payload), "are you there");
  await frames.return?.(undefined);
});

Deno.test("WebSocketConnection echoes the peer's close with its code, then closes the socket", async () => {
  await using ws = await pair();
  await ws.send(clientFrame(Op.CLOSE, closePayload(4001, "done")));
  assertEquals(await take(ws.server.frames()[Symbol.asyncIterator](), 1), []);
  const afterMs = await ws.ended();
  assertEquals(closeCodeOf(ws.frames.at(-1)), 4001);
  assert(afterMs < 500, `the server closed the socket at once (${afterMs} ms)`);
});

Deno.test("WebSocketConnection.close() sends 1000 and closes the socket when the peer answers", async () => {
  await using ws = await pair();
  ws.server.close();
  await until(() => ws.frames.length === 1, "the close frame");
  assertEquals(closeCodeOf(ws.frames[0]), 1000);
  assertEquals(ws.isEnded, false, "the server waits for the peer's close");
  await ws.send(clientFrame(Op.CLOSE, closePayload(1000)));
  assert(await ws.ended() < 500, "and closes once it came");
});

Deno.test("WebSocketConnection.close() closes the socket after a second without an answer", async () => {
  await using ws = await pair();
  ws.server.close();
  const afterMs = await ws.ended();
  assert(afterMs >= 900 && afterMs < 2000, `closed after the close timeout (${afterMs} ms)`);
});

Deno.test("WebSocketConnection refuses a message over maxFrameBytes from its header, then closes with 1009", async () => {
  const cases: [string, Uint8Array, string][] = [
    [
      "binary",
      clientFrameHeader(Op.BINARY, 65_537),
      "Frame length 65537 exceeds the limit of 65536",
    ],
    ["text", clientFrameHeader(Op.TEXT, 65_536), "Frame length 65537 exceeds the limit of 65536"],
    [
      "fragments",
      concat(
        clientFrame(Op.BINARY, new Uint8Array(40_000), { fin: false }),
        clientFrameHeader(Op.CONTINUATION, 40_000),
      ),
      "Frame length 80000 exceeds the limit of 65536",
    ],
  ];
  for (const [name, bytes, message] of cases) {
    await using ws = await pair();
    ws.server.maxFrameBytes = 65_536;
    // The announced payload never comes: the refusal cannot have waited for it.
    await ws.send(bytes);
    const frames = ws.server.frames()[Symbol.asyncIterator]();
    assertEquals(await take(frames, 2), [`error frame_too_large: ${message}`], name);
    ws.server.close();
    await until(() => ws.frames.length === 1, "the close frame");
    assertEquals(closeCodeOf(ws.frames[0]), 1009, name);
  }
});

Deno.test("WebSocketConnection closes with 1007 for text that is not UTF-8, 1002 for a broken frame, 1008 for an empty binary", async () => {
  const cases: [Uint8Array, string, number][] = [
    [clientFrame(Op.TEXT, new Uint8Array([0xff])), "error bad_frame", 1007],
    [clientFrame(Op.TEXT, "{}", { mask: null }), "error bad_frame", 1002],
    [clientFrame(Op.BINARY, new Uint8Array(0)), "error bad_frame", 1008],
  ];
  for (const [bytes, error, code] of cases) {
    await using ws = await pair();
    await ws.send(bytes);
    const [seen] = await take(ws.server.frames()[Symbol.asyncIterator](), 2);
    assert(seen.startsWith(`${error}:`), seen);
    ws.server.close();
    await until(() => ws.frames.length === 1, "the close frame");
    assertEquals(closeCodeOf(ws.frames[0]), code, seen);
  }
});

Deno.test("WebSocketConnection.send() rejects once the connection is closing", async () => {
  await using ws = await pair();
  ws.server.close();
  let rejected = false;
  await ws.server.send([new OutboundMessage({ type: "pong" })]).catch(() => rejected = true);
  assertEquals(rejected, true);
});
