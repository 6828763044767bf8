import { assert, assertEquals, assertFalse, assertInstanceOf, assertThrows } from "@std/assert";
import { ProtocolError } from "../../src/protocol/errors.ts";
import { encodeFrame, type Frame, MAX_FRAME_BYTES } from "../../src/protocol/frame.ts";
import {
  type DecodeResult,
  FrameDecoder,
  FrameDecoderStream,
} from "../../src/protocol/frame_decoder.ts";
import { seededRandom } from "../_seeded_random.ts";

function randomBytes(random: () => number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** Splits `bytes` at the given offsets (ascending). */
function splitAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const bounds = [0, ...offsets, bytes.byteLength];
  return bounds.slice(1).map((end, i) => bytes.slice(bounds[i], end));
}

/** Copies frames out of the decoder's results, so they can be compared as plain data. */
function plain(results: DecodeResult[]): (Frame | { error: string; fatal: boolean })[] {
  return results.map((result) =>
    result instanceof ProtocolError
      ? { error: result.code, fatal: result.fatal }
      : { type: result.type, payload: result.payload.slice() }
  );
}

function decodeChunks(chunks: Uint8Array[], decoder = new FrameDecoder()): DecodeResult[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

/** Asserts that a result is a ProtocolError; `assertInstanceOf` is untyped here and cannot narrow. */
function asProtocolError(result: DecodeResult | undefined): ProtocolError {
  assertInstanceOf(result, ProtocolError);
  return result as ProtocolError;
}

function header(length: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, length);
  return bytes;
}

const pingFrame = encodeFrame(0x01, new TextEncoder().encode('{"type":"ping"}'));
const chunkFrame = encodeFrame(0x02, new Uint8Array([0, 0, 0, 7, 0, 1, 2, 0xff]));

Deno.test("FrameDecoder.push() round-trips random payloads cut into random chunks", () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    const random = seededRandom(seed);
    const frames: Frame[] = [];
    for (let i = 0; i < 40; i++) {
      const size = random() < 0.1 ? Math.floor(random() * 70_000) : Math.floor(random() * 300);
      frames.push({ type: Math.floor(random() * 256), payload: randomBytes(random, size) });
    }
    const wire = concat(...frames.map((frame) => encodeFrame(frame.type, frame.payload)));
    const coarseCuts = new Set<number>();
    while (coarseCuts.size < 60) coarseCuts.add(1 + Math.floor(random() * (wire.byteLength - 1)));
    const fineCuts: number[] = [];
    for (let at = 1; at < wire.byteLength; at += 1 + Math.floor(random() * 16)) fineCuts.push(at);
    const splits = {
      coarse: [...coarseCuts].sort((a, b) => a - b),
      fine: fineCuts,
    };
    for (const [name, cuts] of Object.entries(splits)) {
      const decoder = new FrameDecoder();
      const results = decodeChunks(splitAt(wire, cuts), decoder);
      assertEquals(plain(results), frames, `seed ${seed}, ${name} chunks`);
      assertEquals(decoder.bufferedBytes, 0);
      assertFalse(decoder.failed);
    }
  }
});

Deno.test("FrameDecoder.push() decodes a frame split at every byte boundary", () => {
  const expected = [{ type: 0x01, payload: pingFrame.slice(5) }];
  for (let cut = 0; cut <= pingFrame.byteLength; cut++) {
    const decoder = new FrameDecoder();
    const first = decoder.push(pingFrame.slice(0, cut));
    assertEquals(decoder.bufferedBytes, cut === pingFrame.byteLength ? 0 : cut, `cut at ${cut}`);
    const results = [...first, ...decoder.push(pingFrame.slice(cut))];
    assertEquals(plain(results), expected, `cut at ${cut}`);
    assertEquals(decoder.bufferedBytes, 0);
  }
});

Deno.test("FrameDecoder.push() decodes frames fed one byte at a time", () => {
  const wire = concat(pingFrame, chunkFrame, pingFrame);
  const results = decodeChunks([...wire].map((byte) => new Uint8Array([byte])));
  assertEquals(plain(results), [
    { type: 0x01, payload: pingFrame.slice(5) },
    { type: 0x02, payload: chunkFrame.slice(5) },
    { type: 0x01, payload: pingFrame.slice(5) },
  ]);
});

Deno.test("FrameDecoder.push() returns many frames from one chunk in order", () => {
  const frames: Frame[] = Array.from({ length: 500 }, (_, i) => ({
    type: i % 3,
    payload: new TextEncoder().encode(`frame ${i}`),
  }));
  const wire = concat(...frames.map((frame) => encodeFrame(frame.type, frame.payload)));
  const decoder = new FrameDecoder();
  assertEquals(plain(decoder.push(wire)), frames);
  assertEquals(decoder.bufferedBytes, 0);
});

Deno.test("FrameDecoder.push() joins a frame split across 3 chunks and keeps the start of the next", () => {
  const decoder = new FrameDecoder();
  assertEquals(decoder.push(chunkFrame.slice(0, 2)), []);
  assertEquals(decoder.push(chunkFrame.slice(2, 7)), []);
  assertEquals(decoder.bufferedBytes, 7);
  const results = decoder.push(concat(chunkFrame.slice(7), pingFrame.slice(0, 6)));
  assertEquals(plain(results), [{ type: 0x02, payload: chunkFrame.slice(5) }]);
  assertEquals(decoder.bufferedBytes, 6);
  assertEquals(plain(decoder.push(pingFrame.slice(6))), [
    { type: 0x01, payload: pingFrame.slice(5) },
  ]);
  assertEquals(decoder.bufferedBytes, 0);
});

Deno.test("FrameDecoder.push() decodes a frame with a zero-length payload", () => {
  const cases = [
    { name: "alone", chunks: [new Uint8Array([0, 0, 0, 1, 9])], count: 1 },
    {
      name: "twice in one chunk",
      chunks: [new Uint8Array([0, 0, 0, 1, 9, 0, 0, 0, 1, 9])],
      count: 2,
    },
    {
      name: "header then type",
      chunks: [new Uint8Array([0, 0, 0, 1]), new Uint8Array([9])],
      count: 1,
    },
  ];
  for (const { name, chunks, count } of cases) {
    const expected = Array.from({ length: count }, () => ({ type: 9, payload: new Uint8Array() }));
    assertEquals(plain(decodeChunks(chunks)), expected, name);
  }
});

Deno.test("FrameDecoder.push() waits for a complete header before deciding anything", () => {
  const decoder = new FrameDecoder();
  assertEquals(decoder.push(new Uint8Array([0xff, 0xff, 0xff])), []);
  assertEquals(decoder.bufferedBytes, 3);
  assertFalse(decoder.failed);
});

Deno.test("FrameDecoder.push() rejects a length of 0 with a fatal bad_frame", () => {
  const cases = [
    { name: "alone", chunks: [header(0)] },
    { name: "after a good frame", chunks: [concat(pingFrame, header(0))], frames: 1 },
    { name: "header split in two", chunks: [new Uint8Array([0, 0]), new Uint8Array([0, 0, 1])] },
  ];
  for (const { name, chunks, frames = 0 } of cases) {
    const decoder = new FrameDecoder();
    const results = decodeChunks(chunks, decoder);
    assertEquals(results.length, frames + 1, name);
    const error = asProtocolError(results.at(-1));
    assertEquals([error.code, error.fatal], ["bad_frame", true], name);
    assert(decoder.failed);
    assertEquals(decoder.bufferedBytes, 0);
  }
});

Deno.test("FrameDecoder.push() rejects a length above the limit before buffering the body", () => {
  const length = 9_000_000;
  const decoder = new FrameDecoder();
  const results = decoder.push(concat(header(length), new Uint8Array(1000)));
  assertEquals(results.length, 1);
  const error = asProtocolError(results[0]);
  assertEquals(error.code, "frame_too_large");
  assert(error.fatal);
  assertEquals(error.message, `Frame length ${length} exceeds the limit of ${MAX_FRAME_BYTES}`);
  assert(decoder.failed);
  assertEquals(decoder.bufferedBytes, 0);

  assertEquals(decoder.push(new Uint8Array(length)), []);
  assertEquals(decoder.push(pingFrame), []);
  assertEquals(decoder.bufferedBytes, 0);
});

Deno.test("FrameDecoder.push() rejects an oversized length as soon as its fourth header byte arrives", () => {
  const decoder = new FrameDecoder();
  assertEquals(decoder.push(header(MAX_FRAME_BYTES + 1).subarray(0, 3)), []);
  const results = decoder.push(new Uint8Array([0x01]));
  assertEquals(plain(results), [{ error: "frame_too_large", fatal: true }]);
  assertEquals(decoder.bufferedBytes, 0);
});

Deno.test("FrameDecoder.push() accepts a length of exactly the limit and waits for its body", () => {
  const decoder = new FrameDecoder();
  assertEquals(decoder.push(concat(header(MAX_FRAME_BYTES), new Uint8Array([2]))), []);
  assertFalse(decoder.failed);
  const results = decoder.push(new Uint8Array(MAX_FRAME_BYTES - 1));
  assertEquals(results.length, 1);
  assertEquals((results[0] as Frame).payload.byteLength, MAX_FRAME_BYTES - 1);
});

Deno.test("FrameDecoder honours a smaller maxFrameBytes option", () => {
  const cases = [
    { length: 16, expected: [{ type: 0x01, payload: pingFrame.slice(5) }] },
    { length: 15, expected: [{ error: "frame_too_large", fatal: true }] },
  ];
  for (const { length, expected } of cases) {
    const decoder = new FrameDecoder({ maxFrameBytes: length });
    assertEquals(plain(decoder.push(pingFrame)), expected, `limit ${length}`);
  }
});

Deno.test("FrameDecoder.push() keeps its own copy of a partial frame so the caller may reuse its buffer", () => {
  const buffer = new Uint8Array(8);
  const decoder = new FrameDecoder();
  buffer.set(chunkFrame.subarray(0, 8));
  assertEquals(decoder.push(buffer), []);
  buffer.fill(0xee);
  const results = decoder.push(chunkFrame.slice(8));
  assertEquals(plain(results), [{ type: 0x02, payload: chunkFrame.slice(5) }]);
});

Deno.test("FrameDecoder.push() never changes a payload it returned earlier", () => {
  const first = encodeFrame(0x02, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  const second = encodeFrame(0x02, new Uint8Array(64).fill(0xaa));
  const wire = concat(first, second);
  const decoder = new FrameDecoder();
  assertEquals(decoder.push(wire.slice(0, 3)), []);
  const [frame] = decoder.push(wire.slice(3, 20)) as Frame[];
  assertEquals(frame.payload, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  const rest = decodeChunks([...wire.slice(20)].map((byte) => new Uint8Array([byte])), decoder);
  assertEquals(frame.payload, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
  assertEquals(plain(rest), [{ type: 0x02, payload: second.slice(5) }]);
});

Deno.test("FrameDecoder.push() copies a large frame arriving in small reads in linear time", () => {
  // Joining all buffered bytes on every read made this take seconds (O(n²) copying), long
  // enough for one client to stall the whole server.
  const frame = encodeFrame(0x02, new Uint8Array(MAX_FRAME_BYTES - 1));
  const decoder = new FrameDecoder();
  const started = performance.now();
  let frames = 0;
  for (let at = 0; at < frame.byteLength; at += 64) {
    frames += decoder.push(frame.subarray(at, at + 64)).length;
  }
  const elapsed = performance.now() - started;
  assertEquals(frames, 1);
  assert(elapsed < 1000, `decoding took ${elapsed.toFixed(0)} ms`);
});

Deno.test("FrameDecoderStream decodes frames from a ReadableStream of arbitrary chunks", async () => {
  const wire = concat(pingFrame, chunkFrame, encodeFrame(0x05, new Uint8Array()), pingFrame);
  const chunks = splitAt(wire, [3, 4, 19, 20, 30, 31]);
  const results = await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new FrameDecoderStream()),
  );
  assertEquals(plain(results), [
    { type: 0x01, payload: pingFrame.slice(5) },
    { type: 0x02, payload: chunkFrame.slice(5) },
    { type: 0x05, payload: new Uint8Array() },
    { type: 0x01, payload: pingFrame.slice(5) },
  ]);
});

Deno.test("FrameDecoderStream enqueues a fatal error and then ends its output", async () => {
  const chunks = [concat(pingFrame, header(MAX_FRAME_BYTES + 1)), pingFrame, pingFrame];
  const results = await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new FrameDecoderStream()),
  );
  assertEquals(plain(results), [
    { type: 0x01, payload: pingFrame.slice(5) },
    { error: "frame_too_large", fatal: true },
  ]);
});

Deno.test("FrameDecoderStream passes maxFrameBytes to its decoder", async () => {
  const results = await Array.fromAsync(
    ReadableStream.from([pingFrame]).pipeThrough(new FrameDecoderStream({ maxFrameBytes: 8 })),
  );
  assertEquals(plain(results), [{ error: "frame_too_large", fatal: true }]);
});

Deno.test("FrameDecoder.reserve() and commit() take the rest of a frame read straight into its buffer", () => {
  const random = seededRandom(7);
  const payload = randomBytes(random, 5000);
  const frame = encodeFrame(0x02, payload);
  const decoder = new FrameDecoder();
  assertEquals(decoder.push(frame.subarray(0, 100)), []);
  const results: DecodeResult[] = [];
  for (let at = 100; at < frame.byteLength;) {
    const target = decoder.reserve();
    assertEquals(target.byteLength, frame.byteLength - at);
    // A socket may return fewer bytes than asked for.
    const length = Math.min(target.byteLength, 1 + Math.floor(random() * 1500));
    target.set(frame.subarray(at, at + length));
    results.push(...decoder.commit(length));
    at += length;
  }
  assertEquals(plain(results), [{ type: 0x02, payload }]);
  assertEquals(decoder.bufferedBytes, 0);
  assertEquals(decoder.missingBytes, 4);
  // Framing goes on as before after it.
  assertEquals(plain(decoder.push(pingFrame)), [{ type: 0x01, payload: pingFrame.slice(5) }]);
});

Deno.test("FrameDecoder.reserve() moves the frame into a buffer it is given when that is large enough", () => {
  const frame = encodeFrame(0x02, new Uint8Array(300).fill(9));
  const decoder = new FrameDecoder();
  decoder.push(frame.subarray(0, 50));
  const spare = new Uint8Array(1000);
  const target = decoder.reserve(spare);
  assertEquals(target.buffer, spare.buffer);
  assertEquals(spare.subarray(0, 50), frame.subarray(0, 50));
  target.set(frame.subarray(50));
  const [result] = decoder.commit(target.byteLength) as Frame[];
  assertEquals(result.payload.buffer, spare.buffer);
  assertEquals(result.payload, frame.subarray(5));

  decoder.push(frame.subarray(0, 50));
  assertEquals(decoder.reserve(new Uint8Array(100)).byteLength, frame.byteLength - 50);
});

Deno.test("FrameDecoder.reserve() refuses when no frame is in progress, commit() more than is missing", () => {
  const decoder = new FrameDecoder();
  assertThrows(() => decoder.reserve(), RangeError, "No frame is in progress");
  decoder.push(header(10));
  decoder.push(new Uint8Array([2, 1]));
  assertEquals(decoder.reserve().byteLength, 8);
  assertThrows(() => decoder.commit(9), RangeError, "Cannot commit 9 bytes: 8 are missing");
  assertEquals(decoder.missingBytes, 8);
});
