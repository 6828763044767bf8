import { assert, assertEquals, assertMatch } from "@std/assert";
import {
  HttpConnection,
  type HttpConnectionOptions,
  type HttpResponse,
} from "../../../src/server/http/mod.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function text(status: number, body: string): HttpResponse {
  return { status, headers: { "content-type": "text/plain" }, body: encoder.encode(body) };
}

/** An HttpConnection on one end of a loopback connection, a raw client on the other. */
async function pair(options: Partial<HttpConnectionOptions> = {}) {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const logged: string[] = [];
  const http = new HttpConnection(await listener.accept(), {
    handler: (request) => text(200, `${request.method} ${request.target}`),
    headTimeoutMs: 2000,
    refusal: text,
    log: (line) => logged.push(line),
    ...options,
  });
  /** Everything the server sends until it closes; with when it closed, from now. */
  const received = (async () => {
    const started = performance.now();
    let all = "";
    const buffer = new Uint8Array(65_536);
    try {
      for (;;) {
        const n = await client.read(buffer);
        if (n === null) break;
        all += decoder.decode(buffer.subarray(0, n));
      }
    } catch {
      // Reset: the text so far is what arrived.
    }
    return { all, afterMs: performance.now() - started };
  })();
  return {
    http,
    client,
    logged,
    received,
    send: (request: string) => client.write(encoder.encode(request)),
    async [Symbol.asyncDispose]() {
      http.close();
      try {
        client.close();
      } catch {
        // Closed already.
      }
      await received;
      await http.done;
    },
  };
}

/** The status lines of the responses in `all`. */
function statuses(all: string): string[] {
  return [...all.matchAll(/HTTP\/1\.1 (\d+) /g)].map((match) => match[1]);
}

Deno.test("HttpConnection answers pipelined requests in order and keeps the connection", async () => {
  await using connection = await pair({ headTimeoutMs: 300 });
  await connection.send(
    "GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n",
  );
  const { all, afterMs } = await connection.received;
  assertEquals(statuses(all), ["200", "200", "200"]);
  assertEquals(
    all,
    [
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 6\r\n\r\nGET /a",
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 7\r\n\r\n",
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 6\r\n\r\nGET /c",
    ].join(""),
  );
  assert(afterMs >= 250, `the idle connection stayed open until the timeout (${afterMs} ms)`);
});

Deno.test("HttpConnection closes after a response when asked to, or for HTTP/1.0", async () => {
  for (
    const request of [
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.0\r\n\r\n",
    ]
  ) {
    await using connection = await pair({ headTimeoutMs: 5000 });
    await connection.send(request);
    const { all, afterMs } = await connection.received;
    assertEquals(statuses(all), ["200"]);
    assertMatch(all, /\r\nconnection: close\r\n/);
    assert(afterMs < 2000, `closed after the response, not at the timeout (${afterMs} ms)`);
  }
});

Deno.test("HttpConnection refuses what it never takes, then closes", async () => {
  const cases: [string, string, string][] = [
    ["a body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", "413"],
    [
      "a chunked body",
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "413",
    ],
    ["a bad length", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "400"],
    ["no Host", "GET / HTTP/1.1\r\n\r\n", "400"],
    ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", "505"],
    ["a malformed line", "GET / HTTP/1.1\r\nHost x\r\n\r\n", "400"],
    ["a head over 16 KiB", `GET / HTTP/1.1\r\nHost: x\r\nX: ${"x".repeat(17_000)}\r\n\r\n`, "431"],
  ];
  for (const [name, request, status] of cases) {
    await using connection = await pair();
    await connection.send(request);
    const { all, afterMs } = await connection.received;
    assertEquals(statuses(all), [status], name);
    assertMatch(all, /\r\nconnection: close\r\n/, name);
    assert(afterMs < 1500, `${name}: closed at once (${afterMs} ms)`);
  }
});

Deno.test("HttpConnection answers 500 when the handler fails, and says why in the log", async () => {
  await using connection = await pair({
    handler: () => {
      throw new Error("boom");
    },
  });
  await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assertEquals(statuses((await connection.received).all), ["500"]);
  assertMatch(connection.logged.join("\n"), /GET \/ failed: Error: boom/);
});

Deno.test("HttpConnection closes a request still incomplete at the head timeout, without a word", async () => {
  await using connection = await pair({ headTimeoutMs: 400 });
  await connection.send("GET / HTTP/1.1\r\n");
  const trickle = setInterval(() => connection.send("X: y\r\n").catch(() => {}), 50);
  try {
    const { all, afterMs } = await connection.received;
    assertEquals(all, "");
    assert(afterMs >= 350 && afterMs < 1500, `closed at the timeout (${afterMs} ms)`);
  } finally {
    clearInterval(trickle);
  }
});

Deno.test("HttpConnection hands an upgraded connection over with the bytes that came along", async () => {
  const handedOver = Promise.withResolvers<{ buffered: Uint8Array; next: string }>();
  await using connection = await pair({
    headTimeoutMs: 200,
    handler: () => ({
      upgrade: { status: 101, headers: { upgrade: "test" } },
      async takeOver(conn, buffered) {
        const rest = new Uint8Array(5);
        const n = await conn.read(rest);
        handedOver.resolve({ buffered, next: decoder.decode(rest.subarray(0, n ?? 0)) });
        await conn.write(encoder.encode("mine now"));
        conn.close();
      },
    }),
  });
  await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nearly");
  await new Promise((resolve) => setTimeout(resolve, 300));
  await connection.send("later");
  const { buffered, next } = await handedOver.promise;
  assertEquals(decoder.decode(buffered) + next, "earlylater");
  const { all } = await connection.received;
  assertEquals(all, "HTTP/1.1 101 Switching Protocols\r\nupgrade: test\r\n\r\nmine now");
});

Deno.test("HttpConnection.drain() closes an idle connection at once, a busy one after its response", async () => {
  {
    await using connection = await pair({ headTimeoutMs: 5000 });
    connection.http.drain();
    const { all, afterMs } = await connection.received;
    assertEquals([all, afterMs < 1000], ["", true]);
  }
  const answer = Promise.withResolvers<HttpResponse>();
  await using connection = await pair({ headTimeoutMs: 5000, handler: () => answer.promise });
  await connection.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  await new Promise((resolve) => setTimeout(resolve, 50));
  connection.http.drain();
  answer.resolve(text(200, "last"));
  const { all } = await connection.received;
  assertEquals(statuses(all), ["200"]);
  assertMatch(all, /connection: close\r\n\r\nlast$/);
});
