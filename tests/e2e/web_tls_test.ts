/**
 * `chat serve --tls` serves the web port over HTTPS and WSS, with the chat port's certificate.
 *
 * @module
 */
import { assertEquals, assertMatch } from "@std/assert";
import tls from "node:tls";
import { clientFrame, Op, parseServerFrames } from "../_websocket_frames.ts";
import { withTimeout } from "./_helpers.ts";
import { startTlsServer } from "./_tls_server.ts";
import { webPortOf } from "./_web_port.ts";

/** A TLS connection to 127.0.0.1:`port` that trusts any certificate: the test checks it. */
function connectTls(port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      rejectUnauthorized: false,
      ALPNProtocols: ["h2", "http/1.1"],
    }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** `SHA256:AB:CD:…`, as `chat serve` prints a certificate's fingerprint. */
function fingerprintOf(socket: tls.TLSSocket): string {
  return `SHA256:${socket.getPeerX509Certificate()?.fingerprint256}`;
}

/** Resolves with everything received once `done` says it is all, or the socket ends. */
function receive(socket: tls.TLSSocket, done: (bytes: Uint8Array) => boolean): Promise<Uint8Array> {
  return withTimeout(
    new Promise((resolve) => {
      let all = new Uint8Array(0);
      const finish = () => resolve(all);
      socket.on("data", (data: Uint8Array) => {
        const joined = new Uint8Array(all.byteLength + data.byteLength);
        joined.set(all);
        joined.set(data, all.byteLength);
        all = joined;
        if (done(all)) finish();
      });
      socket.on("end", finish);
      socket.on("close", finish);
    }),
    { what: "the server's answer over TLS" },
  );
}

Deno.test("chat serve --tls serves the page over HTTPS and the WebSocket over WSS, with its certificate", async () => {
  await using server = await startTlsServer({ quiet: true });
  const webPort = webPortOf(server);

  const page = await connectTls(webPort);
  try {
    assertEquals(fingerprintOf(page), server.fingerprint, "the chat port's certificate");
    assertEquals(page.alpnProtocol, "http/1.1", "HTTP/1.1 is what the web port speaks");
    const answer = receive(page, () => false);
    page.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${webPort}\r\nConnection: close\r\n\r\n`);
    const text = new TextDecoder().decode(await answer);
    assertMatch(text, /^HTTP\/1\.1 200 OK\r\n/);
    assertMatch(text, /\r\ncontent-security-policy: default-src 'none'/);
    assertMatch(text, /<html/i);
  } finally {
    page.destroy();
  }

  const ws = await connectTls(webPort);
  try {
    const handshake = receive(ws, (bytes) => new TextDecoder().decode(bytes).includes("\r\n\r\n"));
    ws.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${webPort}\r\nOrigin: https://127.0.0.1:${webPort}\r\n` +
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    assertMatch(new TextDecoder().decode(await handshake), /^HTTP\/1\.1 101 /);
    ws.removeAllListeners("data");
    const welcome = receive(ws, (bytes) => parseServerFrames(bytes).frames.length > 0);
    ws.write(
      clientFrame(
        Op.TEXT,
        JSON.stringify({ type: "hello", v: 1, nick: "web", passkey: server.passkey }),
      ),
    );
    const [first] = parseServerFrames(await welcome).frames;
    assertEquals(JSON.parse(new TextDecoder().decode(first.payload)).type, "welcome");
  } finally {
    ws.destroy();
  }
});
