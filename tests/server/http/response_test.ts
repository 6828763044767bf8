import { assertEquals, assertRejects } from "@std/assert";
import {
  encodeResponseHead,
  type HttpResponse,
  writeResponse,
} from "../../../src/server/http/response.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (text: string) => new TextEncoder().encode(text);

/** A sink that records each write, taking at most `most` bytes a time. */
function recordingSink(most = Infinity) {
  const writes: Uint8Array[] = [];
  return {
    writes,
    text: () => writes.map(decode).join(""),
    write(chunk: Uint8Array) {
      const taken = chunk.slice(0, Math.min(most, chunk.byteLength));
      writes.push(taken);
      return Promise.resolve(taken.byteLength);
    },
  };
}

async function* chunksOf(...texts: string[]): AsyncGenerator<Uint8Array> {
  for (const text of texts) yield bytes(text);
}

Deno.test("encodeResponseHead() frames the body by its length, or chunked when unknown", () => {
  const cases: [string, HttpResponse, { close?: boolean }, string][] = [
    [
      "bytes",
      { status: 200, body: bytes("hi") },
      {},
      "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n",
    ],
    [
      "no body",
      { status: 404 },
      { close: true },
      "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    ],
    [
      "a stream of known length",
      { status: 200, body: chunksOf("a"), length: 1 },
      {},
      "HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\n",
    ],
    [
      "a stream of unknown length",
      { status: 200, body: chunksOf("a") },
      {},
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n",
    ],
    [
      "headers, in order",
      { status: 503, headers: { "content-type": "text/plain", "x-a": "1" } },
      {},
      "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\nx-a: 1\r\ncontent-length: 0\r\n\r\n",
    ],
    [
      "a switch",
      { status: 101, headers: { upgrade: "websocket" } },
      {},
      "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n",
    ],
  ];
  for (const [name, response, options, head] of cases) {
    assertEquals(decode(encodeResponseHead(response, options)), head, name);
  }
});

Deno.test("writeResponse() writes a small response in one write, a large body from where it is", async () => {
  const small = recordingSink();
  await writeResponse(small, { status: 200, body: bytes("hello") });
  assertEquals(small.writes.length, 1);
  assertEquals(small.text(), "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello");
  const body = new Uint8Array(100_000);
  const large = recordingSink();
  await writeResponse(large, { status: 200, body });
  assertEquals(large.writes.length, 2);
  assertEquals(large.writes[1], body);
});

Deno.test("writeResponse() finishes short writes", async () => {
  const sink = recordingSink(3);
  await writeResponse(sink, { status: 200, body: bytes("hello") }, { close: true });
  assertEquals(
    sink.text(),
    "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
  );
});

Deno.test("writeResponse() streams an iterable body chunk by chunk, chunked when its length is unknown", async () => {
  const chunked = recordingSink();
  await writeResponse(chunked, { status: 200, body: chunksOf("ab", "", "cde") });
  assertEquals(
    chunked.text(),
    "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
  );
  const sized = recordingSink();
  let progress = 0;
  await writeResponse(sized, { status: 200, body: chunksOf("ab", "cde"), length: 5 }, {
    progress: () => progress++,
  });
  assertEquals(sized.text(), "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nabcde");
  assertEquals(progress, 3, "after the head and each chunk");
});

Deno.test("writeResponse() writes only the head for HEAD, and never starts an iterable body", async () => {
  let started = false;
  async function* body() {
    started = true;
    yield bytes("never");
  }
  const sink = recordingSink();
  await writeResponse(sink, { status: 200, body: body(), length: 5 }, { head: true });
  assertEquals(sink.text(), "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n");
  assertEquals(started, false);
});

Deno.test("writeResponse() rejects a stream that does not match its length", async () => {
  await assertRejects(
    () => writeResponse(recordingSink(), { status: 200, body: chunksOf("abc"), length: 5 }),
    RangeError,
    "Body of 3 bytes differs from its length 5",
  );
  await assertRejects(
    () => writeResponse(recordingSink(), { status: 200, body: chunksOf("abc", "def"), length: 4 }),
    RangeError,
  );
});
