import { assert, assertEquals, assertMatch } from "@std/assert";
import { encodeChunkFrame } from "../../src/protocol/mod.ts";
import { startServer, TestClient } from "./_helpers.ts";
import { randomBytes, sha256Bytes } from "./_files.ts";
import { webPortOf } from "./_web_port.ts";

/** Shares `bytes` as `name` over the protocol; returns the file's id. */
async function share(
  client: TestClient,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<number> {
  const ready = await client.request({
    type: "upload",
    rid: client.rid(),
    name,
    size: bytes.length,
  });
  assertEquals(ready.type, "upload_ready", JSON.stringify(ready));
  await client.sendBytes(encodeChunkFrame(Number(ready.transfer), bytes));
  const done = await client.request({
    type: "upload_end",
    rid: client.rid(),
    transfer: ready.transfer,
    sha256: await sha256Bytes(bytes),
  });
  assertEquals(done.type, "upload_done", JSON.stringify(done));
  return Number(done.id);
}

Deno.test("a download link streams a shared file over HTTP, whole or by byte range", async () => {
  await using server = await startServer();
  const base = `http://127.0.0.1:${webPortOf(server)}`;
  await using ana = await TestClient.join(server.port, { nick: "ana", passkey: server.passkey });
  const bytes = randomBytes(700_000);
  const id = await share(ana, 'Rapport d\'été "final".pdf', bytes);
  const link = await ana.request({ type: "download_link", rid: ana.rid(), id });
  assertEquals([link.type, link.id], ["download_link_created", id], JSON.stringify(link));
  assertMatch(String(link.path), /^\/files\/[A-Za-z0-9_.-]+\/Rapport/);

  const whole = await fetch(base + link.path);
  assertEquals(whole.status, 200);
  assertEquals(whole.headers.get("content-length"), "700000");
  assertEquals(whole.headers.get("accept-ranges"), "bytes");
  assertEquals(whole.headers.get("content-type"), "application/octet-stream");
  assertEquals(
    whole.headers.get("content-disposition"),
    `attachment; filename="Rapport d'_t_ _final_.pdf"; ` +
      "filename*=UTF-8''Rapport%20d%27%C3%A9t%C3%A9%20_final_.pdf",
  );
  assertEquals(new Uint8Array(await whole.arrayBuffer()), bytes);

  const part = await fetch(base + link.path, { headers: { range: "bytes=500000-" } });
  assertEquals(part.status, 206);
  assertEquals(part.headers.get("content-range"), "bytes 500000-699999/700000");
  assertEquals(new Uint8Array(await part.arrayBuffer()), bytes.slice(500_000));

  const head = await fetch(base + link.path, { method: "HEAD" });
  assertEquals([head.status, head.headers.get("content-length")], [200, "700000"]);
  await head.body?.cancel();

  const past = await fetch(base + link.path, { headers: { range: "bytes=800000-" } });
  assertEquals([past.status, past.headers.get("content-range")], [416, "bytes */700000"]);
  await past.body?.cancel();
});

Deno.test("a download link is refused when forged, changed or for a file of a room never joined", async () => {
  await using server = await startServer();
  const base = `http://127.0.0.1:${webPortOf(server)}`;
  await using ana = await TestClient.join(server.port, { nick: "ana", passkey: server.passkey });
  await using bob = await TestClient.join(server.port, {
    nick: "bob",
    passkey: server.passkey,
    room: "private-room",
  });
  const id = await share(bob, "plans.txt", randomBytes(1000));
  const refused = await ana.request({ type: "download_link", rid: ana.rid(), id });
  assertEquals([refused.type, refused.code], ["error", "no_such_file"]);

  const link = String((await bob.request({ type: "download_link", rid: bob.rid(), id })).path);
  const token = link.split("/")[2];
  const [payload, mac] = token.split(".");
  const guesses = [
    `/files/${id}/plans.txt`,
    `/files/${payload}.${mac.slice(0, -1)}${mac.endsWith("A") ? "B" : "A"}/plans.txt`,
    `/files/${btoa(`${id}.${Date.now() + 1e9}.someone`).replace(/=+$/, "")}.${mac}/plans.txt`,
    "/files/",
  ];
  for (const guess of guesses) {
    const response = await fetch(base + guess);
    assertEquals(response.status, 404, guess);
    assert(!(await response.text()).includes("plans"), guess);
  }
});
