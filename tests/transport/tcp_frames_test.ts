import { assert, assertEquals } from "@std/assert";
import { encodeFrame, ProtocolError } from "../../src/protocol/mod.ts";
import { FrameBufferPool } from "../../src/util/mod.ts";
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

Deno.test("TcpConnection.frames() never reuses the buffer of a large frame whose bytes were retained", async () => {
  const lengths = Array.from({ length: 60 }, (_, index) => 100_000 + (index % 5) * 20_000);
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  const server = new TcpConnection(await listener.accept());
  const sending = (async () => {
    for (const [index, length] of lengths.entries()) {
      const frame = encodeFrame(0x02, filled(length, index));
      for (let written = 0; written < frame.length;) {
        written += await client.write(frame.subarray(written));
      }
    }
    client.close();
  })();
  // Every other payload is kept (and released ten frames later), the rest are not.
  const kept: { index: number; payload: Uint8Array; release: () => void }[] = [];
  const buffers = new Set<ArrayBufferLike>();
  let index = 0;
  for await (const frame of server.frames()) {
    if (frame instanceof ProtocolError) throw frame;
    buffers.add(frame.payload.buffer);
    if (index % 2 === 0) {
      const release = FrameBufferPool.retain(frame.payload);
      assert(release !== undefined, `frame ${index} is not in a pooled buffer`);
      kept.push({ index, payload: frame.payload, release: release! });
    }
    while (kept.length > 0 && kept[0].index <= index - 10) {
      const { index: keptIndex, payload, release } = kept.shift()!;
      assertEquals(payload, filled(lengths[keptIndex], keptIndex), `payload of frame ${keptIndex}`);
      release();
    }
    index++;
  }
  await sending;
  server.close();
  assertEquals(index, lengths.length);
  for (const { index, payload } of kept) assertEquals(payload, filled(lengths[index], index));
  // Released buffers were read into again: far fewer buffers than frames.
  assert(buffers.size <= 20, `${buffers.size} buffers for ${lengths.length} frames`);
});
