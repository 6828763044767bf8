import { assertEquals, assertRejects } from "@std/assert";
import { RequestReader } from "../../../src/server/http/request_reader.ts";
import { chunkings, concat, piecesSource } from "../../_pieces.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Every request's method and target, then what came after the last head. */
async function readAll(pieces: Uint8Array[], maxHeadBytes?: number): Promise<string[]> {
  const reader = new RequestReader(piecesSource(pieces), { maxHeadBytes });
  const seen: string[] = [];
  for (;;) {
    const head = await reader.next();
    if (head === null) return seen;
    seen.push(`${head.method} ${head.target} ${head.headers.get("host")}`);
  }
}

const CASES: [string, string, string[]][] = [
  ["one request", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", ["GET / a"]],
  [
    "pipelined requests",
    "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: b\r\n\r\nGET /3 HTTP/1.1\r\nHost: c\r\n\r\n",
    ["GET /1 a", "HEAD /2 b", "GET /3 c"],
  ],
  ["lone LFs", "GET / HTTP/1.1\nHost: a\n\n", ["GET / a"]],
  ["empty lines before a request", "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", ["GET / a"]],
  ["a request that never ends", "GET / HTTP/1.1\r\nHost: a\r\n", []],
  ["a second request that never ends", "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\n", [
    "GET / a",
  ]],
  ["nothing", "", []],
];

for (const [name, text, expected] of CASES) {
  Deno.test(`RequestReader.next() reads ${name}, however the bytes arrive`, async () => {
    for (const chunking of chunkings(bytes(text))) {
      assertEquals(await readAll(chunking.pieces), expected, chunking.name);
    }
  });
}

Deno.test("RequestReader.next() refuses a head over the limit with a RangeError, however it arrives", async () => {
  const head = bytes(`GET / HTTP/1.1\r\nHost: a\r\nX: ${"x".repeat(100)}\r\n\r\n`);
  for (const chunking of chunkings(head)) {
    await assertRejects(() => readAll(chunking.pieces, 64), RangeError, "limit of 64 bytes");
  }
  const endless = new Uint8Array(20_000).fill(0x61);
  await assertRejects(() => readAll([endless]), RangeError, "limit of 16384 bytes");
});

Deno.test("RequestReader.next() takes a head of exactly the limit", async () => {
  const prefix = "GET / HTTP/1.1\r\nX: ";
  const head = bytes(`${prefix}${"x".repeat(16_384 - prefix.length - 4)}\r\n\r\n`);
  assertEquals(head.byteLength, 16_384);
  assertEquals((await readAll([head])).length, 1);
});

Deno.test("RequestReader.next() refuses a malformed head with a SyntaxError", async () => {
  await assertRejects(() => readAll([bytes("GET / HTTP/1.1\r\nbad line\r\n\r\n")]), SyntaxError);
});

Deno.test("RequestReader.takeBuffered() hands over what came after the head", async () => {
  const wire = concat(
    bytes("GET /ws HTTP/1.1\r\nHost: a\r\n\r\n"),
    new Uint8Array([0x81, 0x85, 1, 2, 3, 4, 5]),
  );
  for (const chunking of chunkings(wire)) {
    const reader = new RequestReader(piecesSource(chunking.pieces));
    assertEquals((await reader.next())?.target, "/ws");
    // What was read with the head; the rest is still in the source.
    const early = reader.takeBuffered();
    assertEquals(wire.subarray(wire.byteLength - 7, wire.byteLength - 7 + early.byteLength), early);
    assertEquals(reader.buffered, false);
  }
});
