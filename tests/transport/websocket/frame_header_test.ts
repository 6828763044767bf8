import { assertEquals, assertThrows } from "@std/assert";
import {
  encodeServerFrame,
  Opcode,
  parseFrameHeader,
  serverHeaderBytes,
  writeServerHeader,
} from "../../../src/transport/websocket/frame_header.ts";
import { clientFrameHeader, Op } from "../../_websocket_frames.ts";

const MASK = new Uint8Array([0x12, 0x34, 0x56, 0x78]);

Deno.test("parseFrameHeader() reads the fin bit, opcode, mask and every length encoding", () => {
  const cases = [
    { opcode: Op.TEXT, length: 0, fin: true, headerBytes: 6 },
    { opcode: Op.BINARY, length: 125, fin: true, headerBytes: 6 },
    { opcode: Op.BINARY, length: 126, fin: false, headerBytes: 8 },
    { opcode: Op.CONTINUATION, length: 65_535, fin: true, headerBytes: 8 },
    { opcode: Op.BINARY, length: 65_536, fin: true, headerBytes: 14 },
    { opcode: Op.BINARY, length: 2 ** 40 + 3, fin: true, headerBytes: 14 },
    { opcode: Op.PING, length: 125, fin: true, headerBytes: 6 },
  ];
  for (const { opcode, length, fin, headerBytes } of cases) {
    const bytes = clientFrameHeader(opcode, length, { fin });
    assertEquals(parseFrameHeader(bytes), { fin, opcode, mask: MASK, length, headerBytes });
    for (let cut = 0; cut < bytes.byteLength; cut++) {
      assertEquals(parseFrameHeader(bytes.subarray(0, cut)), undefined, `${length}, ${cut} bytes`);
    }
  }
});

Deno.test("parseFrameHeader() reports an unmasked frame by its missing mask", () => {
  const header = parseFrameHeader(clientFrameHeader(Op.TEXT, 300, { mask: null }));
  assertEquals(header, {
    fin: true,
    opcode: Op.TEXT,
    mask: undefined,
    length: 300,
    headerBytes: 4,
  });
});

Deno.test("parseFrameHeader() refuses what no extension or opcode allows", () => {
  const topBit = clientFrameHeader(Op.BINARY, 70_000);
  topBit[2] |= 0x80;
  const cases: [string, Uint8Array, RegExp][] = [
    ["a reserved bit", clientFrameHeader(Op.TEXT, 1, { rsv: 1 }), /Reserved bits 0x10/],
    ["opcode 3", clientFrameHeader(3, 1), /Opcode 0x3 is unknown/],
    ["opcode 0xb", clientFrameHeader(0xb, 1), /Opcode 0xb is unknown/],
    [
      "a fragmented close",
      clientFrameHeader(Op.CLOSE, 2, { fin: false }),
      /fragmented or too long/,
    ],
    ["a 126-byte pong", clientFrameHeader(Op.PONG, 126), /fragmented or too long/],
    ["a 64-bit length with its top bit set", topBit, /top bit/],
  ];
  for (const [name, bytes, message] of cases) {
    assertThrows(() => parseFrameHeader(bytes), SyntaxError, undefined, name);
    try {
      parseFrameHeader(bytes);
    } catch (error) {
      assertEquals(message.test((error as Error).message), true, `${name}: ${error}`);
    }
  }
});

Deno.test("writeServerHeader() writes the shortest length encoding, unmasked, final", () => {
  const cases: [number, number[]][] = [
    [0, [0x82, 0]],
    [125, [0x82, 125]],
    [126, [0x82, 126, 0, 126]],
    [65_535, [0x82, 126, 0xff, 0xff]],
    [65_536, [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
    [2 ** 32 + 5, [0x82, 127, 0, 0, 0, 1, 0, 0, 0, 5]],
  ];
  for (const [length, expected] of cases) {
    const header = new Uint8Array(12);
    const written = writeServerHeader(header, 1, Opcode.BINARY, length);
    assertEquals(written, serverHeaderBytes(length));
    assertEquals([...header.subarray(1, 1 + written)], expected, `length ${length}`);
  }
});

Deno.test("encodeServerFrame() is the header and the payload in one buffer", () => {
  assertEquals(
    encodeServerFrame(Opcode.TEXT, new TextEncoder().encode("hi")),
    new Uint8Array([0x81, 2, 0x68, 0x69]),
  );
  const large = encodeServerFrame(Opcode.BINARY, new Uint8Array(70_000).fill(1));
  assertEquals(large.byteLength, 70_010);
  assertEquals(parseFrameHeader(large)?.length, 70_000);
});
