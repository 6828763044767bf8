/**
 * Cluster mode end to end (issue 17): `chat serve --nats` nodes sharing rooms through NATS
 * JetStream servers started for the test.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { startNats } from "../support/nats.ts";
import { startServer, TestClient } from "./_helpers.ts";

Deno.test("two chat nodes on one NATS server: a message said on one reaches the room on the other, with one id", async () => {
  await using nats = await startNats();
  const passkey = "cluster-passkey-1";
  const cluster = ["--nats", nats.urls.join(",")];
  await using a = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "a"] });
  await using b = await startServer({ passkey, extraArgs: [...cluster, "--node-name", "b"] });
  await using ana = await TestClient.join(a.port, { nick: "ana", passkey });
  await using ben = await TestClient.join(b.port, { nick: "ben", passkey });
  const since = ben.mark();
  const ack = await ana.send("hello across the cluster");
  assertEquals(ack.type, "ack");
  const heard = await ben.waitFor((m) => m.type === "message", { since, what: "ana's message" });
  assertEquals([heard.from, heard.text, heard.id], ["ana", "hello across the cluster", ack.id]);
});
