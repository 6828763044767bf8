import { assertEquals } from "@std/assert";
import { encodeFrame, ProtocolError } from "../../src/protocol/mod.ts";
import { TcpConnection } from "../../src/transport/tcp.ts";
import { seededRandom } from "../_seeded_random.ts";

function filled(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

Deno.test("TcpConnection.frames() delivers large and small frames intact, however the bytes arrive", async () => {
  const random = seededRandom(2026);
  // Large chunks (read straight into their own buffer), small messages between them, and
  // sizes around the 16 KiB threshold where reading switches over.
  const frames = [
    { type: 0x01, payload: new TextEncoder().encode('{"type":"ping"}') },
    ...[1_048_000, 16 * 1024 + 1, 16 * 1024 - 5, 300_000, 1_048_000, 20, 700_000].flatMap(
      (length, index) => [
        { type: 0x02, payload: filled(length, index) },
        { type: 0x01, payload: filled(7 + index, 100 + index) },
      ],
    ),
  ];
  const wire = new Uint8Array(frames.reduce((sum, frame) => sum + 5 + frame.payload.length, 0));
  let offset = 0;
  for (const frame of frames) {
    wire.set(encodeFrame(frame.type, frame.payload), offset);
    offset += 5 + frame.payload.length;
  }

  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  const server = new TcpConnection(await listener.accept());
  const sending = (async () => {
    // Pieces of random sizes, some tiny, some spanning several frames.
    for (let at = 0; at < wire.length;) {
      const length = Math.min(wire.length - at, 1 + Math.floor(random() ** 3 * 3_000_000));
      let written = 0;
      while (written < length) {
        written += await client.write(wire.subarray(at + written, at + length));
      }
      at += length;
    }
    client.close();
  })();
  const received: { type: number; payload: Uint8Array }[] = [];
  for await (const frame of server.frames()) {
    if (frame instanceof ProtocolError) throw frame;
    // A payload is only valid until the next frame is asked for.
    received.push({ type: frame.type, payload: frame.payload.slice() });
  }
  await sending;
  server.close();
  assertEquals(received.length, frames.length);
  for (let i = 0; i < frames.length; i++) {
    assertEquals(received[i].type, frames[i].type, `type of frame ${i}`);
    assertEquals(received[i].payload, frames[i].payload, `payload of frame ${i}`);
  }
});
