import { assertEquals, assertNotStrictEquals, assertThrows } from "@std/assert";
import {
  allocateChunkData,
  encodeChunkFrame,
  encodeFrame,
  FrameType,
  HEADER_BYTES,
  MAX_FRAME_BYTES,
} from "../../src/protocol/frame.ts";

Deno.test("Frame constants keep their wire values", () => {
  assertEquals(FrameType, { JSON: 0x01, CHUNK: 0x02 });
  assertEquals(HEADER_BYTES, 5);
  assertEquals(MAX_FRAME_BYTES, 1_048_576);
});

Deno.test("encodeFrame() writes a big-endian length of type byte plus payload, the type and the payload", () => {
  const cases: { name: string; type: number; payload: number[]; expected: number[] }[] = [
    { name: "empty payload", type: 0x01, payload: [], expected: [0, 0, 0, 1, 1] },
    { name: "one byte", type: 0x02, payload: [0xff], expected: [0, 0, 0, 2, 2, 0xff] },
    { name: "type 0xff", type: 0xff, payload: [7, 8], expected: [0, 0, 0, 3, 0xff, 7, 8] },
    {
      name: "`{}`",
      type: FrameType.JSON,
      payload: [0x7b, 0x7d],
      expected: [0, 0, 0, 3, 1, 0x7b, 0x7d],
    },
  ];
  for (const { name, type, payload, expected } of cases) {
    assertEquals(encodeFrame(type, new Uint8Array(payload)), new Uint8Array(expected), name);
  }
});

Deno.test("encodeFrame() uses all four length bytes for large payloads", () => {
  const cases = [
    { payloadBytes: 255, header: [0, 0, 1, 0] },
    { payloadBytes: 65_535, header: [0, 1, 0, 0] },
    { payloadBytes: 0x01_02_03, header: [0, 1, 2, 4] },
  ];
  for (const { payloadBytes, header } of cases) {
    const frame = encodeFrame(FrameType.CHUNK, new Uint8Array(payloadBytes));
    assertEquals([...frame.subarray(0, 4)], header, `${payloadBytes} payload bytes`);
    assertEquals(frame.byteLength, HEADER_BYTES + payloadBytes);
  }
});

Deno.test("encodeFrame() accepts a payload that makes the length exactly the limit", () => {
  const frame = encodeFrame(FrameType.CHUNK, new Uint8Array(MAX_FRAME_BYTES - 1));
  assertEquals(new DataView(frame.buffer).getUint32(0), MAX_FRAME_BYTES);
  assertEquals(frame.byteLength, MAX_FRAME_BYTES + 4);
});

Deno.test("encodeFrame() throws a RangeError that quotes the length when over the limit", () => {
  const cases = [MAX_FRAME_BYTES, MAX_FRAME_BYTES + 1, 9_000_000];
  for (const payloadBytes of cases) {
    assertThrows(
      () => encodeFrame(FrameType.JSON, new Uint8Array(payloadBytes)),
      RangeError,
      `Frame length ${payloadBytes + 1} exceeds the limit of ${MAX_FRAME_BYTES}`,
    );
  }
});

Deno.test("encodeFrame() copies the payload, so later changes to it do not alter the frame", () => {
  const payload = new Uint8Array([1, 2, 3]);
  const frame = encodeFrame(FrameType.CHUNK, payload);
  payload.fill(0);
  assertEquals(frame, new Uint8Array([0, 0, 0, 4, 2, 1, 2, 3]));
  assertNotStrictEquals(frame.buffer, payload.buffer);
});

Deno.test("encodeFrame() reads only the viewed part of a payload that is a subarray", () => {
  const backing = new Uint8Array([9, 9, 1, 2, 9]);
  const frame = encodeFrame(FrameType.CHUNK, backing.subarray(2, 4));
  assertEquals(frame, new Uint8Array([0, 0, 0, 3, 2, 1, 2]));
});

Deno.test("encodeChunkFrame() builds the frame in place around data from allocateChunkData()", () => {
  const data = allocateChunkData(8);
  data.set([1, 2, 3]);
  const frame = encodeChunkFrame(0x01020304, data.subarray(0, 3));
  assertEquals(frame.buffer, data.buffer);
  assertEquals([...frame], [0, 0, 0, 8, 2, 1, 2, 3, 4, 1, 2, 3]);
});

Deno.test("encodeChunkFrame() copies other data, whatever its offset, and never writes before it", () => {
  const buffer = new Uint8Array(12).fill(0xee);
  const data = buffer.subarray(9);
  data.set([1, 2, 3]);
  const frame = encodeChunkFrame(7, data);
  assertNotStrictEquals(frame.buffer, buffer.buffer);
  assertEquals([...frame], [0, 0, 0, 8, 2, 0, 0, 0, 7, 1, 2, 3]);
  assertEquals([...buffer.subarray(0, 9)], new Array(9).fill(0xee));
  // A view into an allocated buffer that does not start its data is copied as well.
  const inner = allocateChunkData(4).subarray(1);
  assertNotStrictEquals(encodeChunkFrame(7, inner).buffer, inner.buffer);
});
