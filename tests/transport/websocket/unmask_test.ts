import { assertEquals } from "@std/assert";
import { unmask } from "../../../src/transport/websocket/unmask.ts";

function naive(bytes: Uint8Array, mask: Uint8Array, position: number): Uint8Array {
  return bytes.map((byte, i) => byte ^ mask[(position + i) % 4]);
}

Deno.test("unmask() matches the byte-by-byte definition at every length, alignment and position", () => {
  const mask = new Uint8Array([0xa1, 0x5b, 0x07, 0xfe]);
  for (const shared of [false, true]) {
    const memory = shared ? new SharedArrayBuffer(80) : new ArrayBuffer(80);
    const all = new Uint8Array(memory);
    for (let offset = 0; offset < 4; offset++) {
      for (let length = 0; length <= 41; length++) {
        for (let position = 0; position < 4; position++) {
          for (let i = 0; i < all.byteLength; i++) all[i] = (i * 37 + length) & 0xff;
          const bytes = all.subarray(offset, offset + length);
          const expected = naive(bytes, mask, position);
          unmask(bytes, mask, position);
          assertEquals(bytes, expected, `offset ${offset}, length ${length}, position ${position}`);
          assertEquals(all[offset + length], (offset + length) * 37 + length & 0xff, "no overrun");
        }
      }
    }
  }
});

Deno.test("unmask() twice gives the bytes back", () => {
  const bytes = Uint8Array.from({ length: 1_048_576 }, (_, i) => i & 0xff);
  const mask = new Uint8Array([1, 2, 3, 4]);
  unmask(bytes, mask);
  unmask(bytes, mask);
  assertEquals(bytes, Uint8Array.from({ length: 1_048_576 }, (_, i) => i & 0xff));
});
