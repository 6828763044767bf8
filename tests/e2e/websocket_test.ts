import { assert, assertEquals, assertMatch } from "@std/assert";
import { startServer, TestClient } from "./_helpers.ts";
import { webPortOf } from "./_web_port.ts";

/** A raw WebSocket speaking the protocol of docs/PROTOCOL.md section 8. */
class WsClient implements AsyncDisposable {
  readonly messages: Record<string, unknown>[] = [];
  readonly binary: Uint8Array[] = [];
  readonly #socket: WebSocket;
  readonly #closed: Promise<void>;
  #waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => {
      if (typeof event.data === "string") this.messages.push(JSON.parse(event.data));
      else this.binary.push(new Uint8Array(event.data));
      for (const wake of this.#waiters.splice(0)) wake();
    };
    this.#closed = new Promise((resolve) => socket.onclose = () => resolve());
  }

  static async open(url: string, headers?: Record<string, string>): Promise<WsClient> {
    const socket = new WebSocket(url, headers === undefined ? undefined : { headers });
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error(`Could not open ${url}`));
    });
    return new WsClient(socket);
  }

  send(message: Record<string, unknown>): void {
    this.#socket.send(JSON.stringify(message));
  }

  sendBinary(bytes: Uint8Array): void {
    this.#socket.send(bytes);
  }

  async waitFor(
    predicate: (message: Record<string, unknown>) => boolean,
    what: string,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#socket.close();
    await this.#closed;
  }
}

async function webServer() {
  const server = await startServer({ quiet: true });
  return { server, webPort: webPortOf(server) };
}

Deno.test("a WebSocket client and a TCP client talk in the same room", async () => {
  const { server, webPort } = await webServer();
  await using _ = server;
  await using tcp = await TestClient.join(server.port, { nick: "tcp", passkey: server.passkey });
  await using ws = await WsClient.open(`ws://127.0.0.1:${webPort}/ws`);
  ws.send({ type: "hello", v: 1, nick: "web", passkey: server.passkey });
  await ws.waitFor((m) => m.type === "welcome", "welcome");
  ws.send({ type: "send", rid: "w1", text: "from the browser 👋" });
  const ack = await ws.waitFor((m) => m.type === "ack" && m.rid === "w1", "the ack");
  const seen = await tcp.waitFor((m) => m.type === "message" && m.from === "web");
  assertEquals([seen.text, seen.id], ["from the browser 👋", ack.id]);
  await tcp.send("from the terminal");
  const back = await ws.waitFor((m) => m.type === "message" && m.from === "tcp", "tcp's line");
  assertEquals(back.text, "from the terminal");
});

Deno.test("a file uploaded over the WebSocket downloads byte-identical over TCP", async () => {
  const { server, webPort } = await webServer();
  await using _ = server;
  await using ws = await WsClient.open(`ws://127.0.0.1:${webPort}/ws`);
  ws.send({ type: "hello", v: 1, nick: "web", passkey: server.passkey });
  await ws.waitFor((m) => m.type === "welcome", "welcome");
  const data = crypto.getRandomValues(new Uint8Array(60_000));
  const sha256 = [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))]
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
  ws.send({ type: "upload", rid: "u1", name: "photo.bin", size: data.byteLength });
  const ready = await ws.waitFor((m) => m.type === "upload_ready", "upload_ready");
  const chunk = new Uint8Array(5 + data.byteLength);
  chunk[0] = 0x02;
  new DataView(chunk.buffer).setUint32(1, Number(ready.transfer));
  chunk.set(data, 5);
  ws.sendBinary(chunk);
  ws.send({ type: "upload_end", rid: "u2", transfer: ready.transfer, sha256 });
  const done = await ws.waitFor((m) => m.type === "upload_done", "upload_done");

  await using tcp = await TestClient.join(server.port, { nick: "tcp", passkey: server.passkey });
  const rid = tcp.rid();
  await tcp.sendMessage({ type: "download", rid, id: done.id });
  await tcp.waitFor((m) => m.type === "download_end");
  const got = tcp.messages.filter((m) => m.type === "#frame");
  assert(got.length > 0, "chunks arrived");
  ws.send({ type: "download", rid: "d1", id: done.id });
  await ws.waitFor((m) => m.type === "download_end", "download_end");
  const received = ws.binary.filter((frame) => frame[0] === 0x02).map((frame) => frame.slice(5));
  const total = new Uint8Array(received.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of received) {
    total.set(part, at);
    at += part.byteLength;
  }
  assertEquals(total, data);
});

Deno.test("the web page is served with a strict Content-Security-Policy", async () => {
  const { server, webPort } = await webServer();
  await using _ = server;
  const response = await fetch(`http://127.0.0.1:${webPort}/`);
  await response.body?.cancel();
  assertEquals(response.status, 200);
  assertMatch(response.headers.get("content-type") ?? "", /text\/html/);
  assertMatch(response.headers.get("content-security-policy") ?? "", /default-src 'none'/);
  assertMatch(response.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  const missing = await fetch(`http://127.0.0.1:${webPort}/../../etc/passwd`);
  await missing.body?.cancel();
  assertEquals(missing.status, 404);
});

Deno.test("a WebSocket from another site's page is refused", async () => {
  const { server, webPort } = await webServer();
  await using _ = server;
  const response = await fetch(`http://127.0.0.1:${webPort}/ws`, {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      origin: "http://evil.example",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
    },
  });
  await response.body?.cancel();
  assertEquals(response.status, 403);
});
