import { assertEquals, assertRejects } from "@std/assert";
import { ChatClient } from "../../src/client/chat_client.ts";
import { ChatError } from "../../src/client/chat_error.ts";
import { dialer } from "../../src/client/dial.ts";
import { webSocketDialer } from "../../src/client/websocket_dialer.ts";
import { startServer } from "../../src/server/start_server.ts";
import type { Connection } from "../../src/transport/connection.ts";
import type { ChatEvent, ServerMessage } from "../../src/protocol/mod.ts";

/** The two ways the one client core reaches a server: the terminal's and the browser's. */
const TRANSPORTS: {
  name: string;
  open: (ports: { port: number; webPort: number }) => () => Promise<Connection>;
}[] = [
  { name: "TCP", open: ({ port }) => dialer({ hostname: "127.0.0.1", port }) },
  {
    name: "WebSocket",
    open: ({ webPort }) => webSocketDialer(`ws://127.0.0.1:${webPort}/ws`),
  },
];

async function withServer(
  run: (ports: { port: number; webPort: number }) => Promise<void>,
): Promise<void> {
  const dataDir = await Deno.makeTempDir();
  const server = await startServer({
    hostname: "127.0.0.1",
    port: 0,
    webPort: 0,
    dataDir,
    passkey: "secret",
    historyLimit: 10,
    maxMessageBytes: 4096,
    maxFileBytes: 1024,
  });
  try {
    await run({ port: server.port, webPort: server.webPort! });
  } finally {
    await server.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

for (const { name, open } of TRANSPORTS) {
  Deno.test(`ChatClient over ${name}: a message sent right after /nick is acknowledged under the new nick`, async () => {
    await withServer(async (ports) => {
      const received: ServerMessage[] = [];
      const client = await ChatClient.connect({
        open: open(ports),
        clientName: "chat-test",
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
        const stored = received.find((m): m is ChatEvent =>
          m.type === "message" && m.text === "renamed now"
        );
        assertEquals(stored?.from, "alicia");
        assertEquals(stored?.id, event.id);
      } finally {
        await client.quit();
      }
    });
  });

  Deno.test(`ChatClient over ${name}: a wrong passkey rejects connect() with bad_passkey`, async () => {
    await withServer(async (ports) => {
      const error = await assertRejects(
        () =>
          ChatClient.connect({
            open: open(ports),
            clientName: "chat-test",
            nick: "alice",
            passkey: "wrong",
            onMessage: () => {},
          }),
        ChatError,
      );
      assertEquals(error.code, "bad_passkey");
    });
  });
}

Deno.test("webSocketDialer() rejects with connect_failed and one sentence when nothing listens", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  const error = await assertRejects(
    () => webSocketDialer(`ws://127.0.0.1:${port}/ws`)(),
    ChatError,
  );
  assertEquals(error.code, "connect_failed");
  assertEquals(error.message, "Cannot reach the server. Check the address and try again.");
});
