import { assertEquals } from "@std/assert";
import { ChatClient } from "../../src/client/chat_client.ts";
import { startServer } from "../../src/server/start_server.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";

Deno.test("ChatClient: a message sent right after /nick is acknowledged under the new nick", async () => {
  const dataDir = await Deno.makeTempDir();
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    dataDir,
    passkey: "secret",
    historyLimit: 10,
    maxMessageBytes: 4096,
    maxFileBytes: 1024,
  });
  const received: ServerMessage[] = [];
  const client = await ChatClient.connect({
    hostname: "127.0.0.1",
    port: server.port,
    nick: "alice",
    passkey: "secret",
    onMessage: (message) => received.push(message),
  });
  try {
    // Both leave before any answer is read: the client still says "alice" when it sends.
    client.request({ type: "nick", nick: "alicia", rid: client.rid() });
    const event = await client.send("renamed now");
    assertEquals(event.from, "alicia");
    assertEquals(client.nick, "alicia");
    const stored = received.find((m) => m.type === "message" && m.text === "renamed now");
    assertEquals(stored !== undefined && "from" in stored ? stored.from : undefined, "alicia");
  } finally {
    await client.quit();
    await server.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
