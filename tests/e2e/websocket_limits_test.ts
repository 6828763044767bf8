/**
 * The frame size limits of docs/PROTOCOL.md on the WebSocket: checked from each frame's header,
 * before its payload is buffered, so that what unauthenticated clients send cannot grow the
 * server's memory.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { seededRandom } from "../_seeded_random.ts";
import { startServer } from "./_helpers.ts";
import { clientFrameHeader, Opcode, RawWebSocket } from "./_raw_websocket.ts";
import { webPortOf } from "./_web_port.ts";

const MiB = 1024 * 1024;
/** `MAX_FRAME_BYTES`: the largest message after `welcome`, type byte included. */
const FRAME_LIMIT = MiB;

/**
 * The server's peak resident memory so far, in bytes (VmHWM). Read by `grep`: Deno lets only
 * `--allow-all` read /proc, and the test task runs with narrower permissions.
 */
async function peakRss(pid: number): Promise<number> {
  const { stdout } = await new Deno.Command("grep", { args: ["VmHWM", `/proc/${pid}/status`] })
    .output();
  const kib = Number(new TextDecoder().decode(stdout).match(/^VmHWM:\s+(\d+) kB$/m)?.[1]);
  assert(kib > 0, `VmHWM of process ${pid}`);
  return kib * 1024;
}

async function loggedIn(port: number, passkey: string, nick: string): Promise<RawWebSocket> {
  const socket = await RawWebSocket.open(port);
  await socket.sendJson({ type: "hello", v: 1, nick, passkey });
  await socket.waitFor((m) => m.type === "welcome", `welcome for ${nick}`);
  return socket;
}

/** Announces one 60 MiB message and streams its bytes; resolves with the bytes written. */
async function oneLargeFrame(socket: RawWebSocket, opcode: number): Promise<number> {
  await socket.write(clientFrameHeader(opcode, 60 * MiB));
  return await socket.stream(60 * MiB);
}

/** Sends a binary message as 16 KiB fragments, each far below the limit, 60 MiB in all. */
async function manyFragments(socket: RawWebSocket): Promise<number> {
  const fragment = 16 * 1024;
  let written = 0;
  while (written < 60 * MiB && socket.closeCode === undefined && !socket.ended) {
    const opcode = written === 0 ? Opcode.BINARY : Opcode.CONTINUATION;
    try {
      await socket.write(clientFrameHeader(opcode, fragment, { fin: false }));
    } catch {
      break;
    }
    written += await socket.stream(fragment);
  }
  return written;
}

function assertTooLarge(socket: RawWebSocket, code: number | undefined): void {
  assertEquals(code, 1009, `closed with 1009 (message too big)\n${socket.describe()}`);
  const error = socket.messages.find((m) => m.type === "error");
  assertEquals(error?.code, "frame_too_large", socket.describe());
}

Deno.test("60 MiB WebSocket messages before hello are refused with 1009 without being buffered", async () => {
  await using server = await startServer({ quiet: true });
  const webPort = webPortOf(server);
  // The baseline includes a WebSocket's whole way through the server once.
  await using warm = await loggedIn(webPort, server.passkey, "warm");
  await warm.close();
  const before = await peakRss(server.process.pid);

  const sockets = await Promise.all(Array.from({ length: 9 }, () => RawWebSocket.open(webPort)));
  try {
    const written = await Promise.all(
      sockets.map((socket, i) =>
        i % 3 === 0
          ? oneLargeFrame(socket, Opcode.BINARY)
          : i % 3 === 1
          ? oneLargeFrame(socket, Opcode.TEXT)
          : manyFragments(socket)
      ),
    );
    for (const [i, socket] of sockets.entries()) {
      assertTooLarge(socket, await socket.waitForClose());
      assert(written[i] < 60 * MiB, `connection ${i} was closed before its message ended`);
    }
  } finally {
    await Promise.all(sockets.map((socket) => socket.close()));
  }
  const grown = await peakRss(server.process.pid) - before;
  assert(grown < 100 * MiB, `peak RSS grew by ${(grown / MiB).toFixed(1)} MiB`);
});

Deno.test("after welcome a 1 MiB WebSocket message is taken and one byte more is refused with 1009", async () => {
  await using server = await startServer({ quiet: true });
  const webPort = webPortOf(server);

  await using uploader = await loggedIn(webPort, server.passkey, "uploader");
  const random = seededRandom(12);
  const data = Uint8Array.from({ length: FRAME_LIMIT - 5 }, () => random() * 256);
  const sha256 = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", data)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
  await uploader.sendJson({ type: "upload", rid: "u1", name: "limit.bin", size: data.byteLength });
  const ready = await uploader.waitFor((m) => m.type === "upload_ready", "upload_ready");
  const chunk = new Uint8Array(FRAME_LIMIT);
  chunk[0] = 0x02;
  new DataView(chunk.buffer).setUint32(1, Number(ready.transfer));
  chunk.set(data, 5);
  await uploader.sendBinary(chunk);
  await uploader.sendJson({ type: "upload_end", rid: "u2", transfer: ready.transfer, sha256 });
  await uploader.waitFor((m) => m.type === "upload_done", "upload_done for a 1 MiB chunk");
  const padding = "x".repeat(FRAME_LIMIT - 1 - '{"type":"ping","rid":"p1","pad":""}'.length);
  await uploader.sendJson({ type: "ping", rid: "p1", pad: padding });
  await uploader.waitFor((m) => m.type === "pong", "pong to a text message of 1 MiB − 1 bytes");

  await using binary = await loggedIn(webPort, server.passkey, "binary");
  await binary.sendBinary(new Uint8Array(FRAME_LIMIT + 1).fill(2));
  assertTooLarge(binary, await binary.waitForClose());

  await using text = await loggedIn(webPort, server.passkey, "text");
  await text.sendJson({ type: "ping", rid: "p2", pad: `${padding}x` });
  assertTooLarge(text, await text.waitForClose());
});
