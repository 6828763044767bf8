import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { ChatError, type ConnectionStatus, ReconnectingClient } from "../../src/client/mod.ts";
import type { ClientMessage, ServerMessage } from "../../src/protocol/mod.ts";
import { ScriptedServer, welcomeFor } from "./_scripted_server.ts";

type Hello = Extract<ClientMessage, { type: "hello" }>;

function connect(server: ScriptedServer, extra: { room?: string; operator?: string } = {}) {
  const statuses: ConnectionStatus[] = [];
  const back = Promise.withResolvers<void>();
  const received: ServerMessage[] = [];
  const waiting: { test: (message: ServerMessage) => boolean; resolve: () => void }[] = [];
  /** Resolves once a message that passes `test` arrives (or has arrived). */
  const arrived = (test: (message: ServerMessage) => boolean) =>
    received.some(test) ? Promise.resolve() : new Promise<void>((resolve) => {
      waiting.push({ test, resolve });
    });
  const client = ReconnectingClient.connect({
    open: server.open,
    clientName: "test",
    nick: "bo",
    passkey: "key",
    firstDelayMs: 1,
    maxDelayMs: 2,
    onStatus: (status) => {
      statuses.push(status);
      if (status.state === "reconnected") back.resolve();
    },
    onMessage: (message) => {
      received.push(message);
      for (const wait of waiting.filter(({ test }) => test(message))) wait.resolve();
    },
    ...extra,
  });
  return { client, statuses, received, arrived, reconnected: back.promise };
}

for (const code of ["kicked", "banned"]) {
  Deno.test(`ReconnectingClient stops for good, with the server's sentence, when ${code}`, async () => {
    const server = new ScriptedServer((message, connection) => {
      if (message.type === "hello") {
        for (const reply of welcomeFor(message)) connection.push(reply);
      }
    });
    const { client: connecting, statuses } = connect(server);
    const client = await connecting;
    const sentence = code === "kicked"
      ? "ana kicked you: flooding."
      : "ana banned you until 2026-11-21T11:30:00.000Z: spam.";
    server.connections[0].push({ type: "error", code, message: sentence, fatal: true });
    server.connections[0].close();
    const error = await client.finished;
    assertInstanceOf(error, ChatError);
    assertEquals([error?.code, error?.message], [code, sentence]);
    assertEquals(server.connections.length, 1, "no reconnect");
    assertEquals(statuses.map((status) => status.state), ["gave_up"]);
  });
}

Deno.test("ReconnectingClient stops when a reconnect is refused with banned", async () => {
  let banned = false;
  const server = new ScriptedServer((message, connection) => {
    if (message.type !== "hello") return;
    if (banned) {
      connection.push({ type: "error", code: "banned", message: "You are banned.", fatal: true });
      connection.close();
    } else for (const reply of welcomeFor(message)) connection.push(reply);
  });
  const client = await connect(server).client;
  banned = true;
  server.connections[0].close();
  const error = await client.finished;
  assertEquals(error?.code, "banned");
  assertEquals(server.connections.length, 2);
});

Deno.test("ReconnectingClient gives the room passkey of /join ROOM PASSKEY when it reconnects", async () => {
  const server = new ScriptedServer((message, connection) => {
    if (message.type === "hello") {
      for (const reply of welcomeFor(message)) connection.push(reply);
    }
    if (message.type === "join") {
      connection.push({ type: "joined", room: message.room, users: ["bo"], count: 1 });
    }
  });
  const { client: connecting, arrived, reconnected } = connect(server);
  const client = await connecting;
  assert(client.request({ type: "join", room: "Staff", passkey: "s3cret" }));
  // The joined answer moves the client; then the connection drops.
  await arrived((message) => message.type === "joined" && message.room === "Staff");
  server.connections[0].close();
  await server.opened(2);
  const hello = server.connections[1].sent[0] as Hello;
  assertEquals([hello.room, hello.room_passkey], ["Staff", "s3cret"]);
  await reconnected;
  // A /join without the passkey gives the kept one.
  assert(client.request({ type: "join", room: "staff" }));
  assertEquals(server.connections[1].sent.at(-1), {
    type: "join",
    room: "staff",
    passkey: "s3cret",
  });
  await client.quit();
});

Deno.test("ReconnectingClient goes to the lobby when its room was locked while it was away", async () => {
  const server = new ScriptedServer((message, connection) => {
    if (message.type !== "hello") return;
    if (server.connections.length > 1 && message.room === "staff") {
      connection.push({
        type: "error",
        code: "room_locked",
        message: "staff has a passkey of its own.",
        fatal: true,
      });
      connection.close();
    } else for (const reply of welcomeFor(message)) connection.push(reply);
  });
  const { client: connecting, statuses, arrived } = connect(server, { room: "staff" });
  const client = await connecting;
  server.connections[0].close();
  await server.opened(3);
  assertEquals((server.connections[2].sent[0] as Hello).room, undefined);
  await arrived((message) => message.type === "joined" && message.room === "lobby");
  assertEquals(client.room, "lobby");
  assert(statuses.some((status) => status.text.includes("Going to the lobby instead")));
  await client.quit();
});

Deno.test("ReconnectingClient.call() resolves with the reply to a host control, or rejects with its error", async () => {
  const server = new ScriptedServer((message, connection) => {
    if (message.type === "hello") {
      for (const reply of welcomeFor(message)) connection.push(reply);
    }
    if (message.type === "kick") {
      connection.push(
        message.nick === "ana"
          ? {
            type: "error",
            code: "not_permitted",
            message: "Only operators may kick.",
            fatal: false,
            rid: message.rid,
          }
          : { type: "done", rid: message.rid, text: `${message.nick} was kicked.` },
      );
    }
  });
  const { client: connecting, received } = connect(server, { operator: "op-secret" });
  const client = await connecting;
  const hello = server.connections[0].sent[0] as Hello;
  assertEquals(hello.operator, "op-secret");
  const done = await client.call({ type: "kick", nick: "cy" });
  assertEquals(done, { type: "done", rid: (done as { rid: string }).rid, text: "cy was kicked." });
  const error = await assertRejects(() => client.call({ type: "kick", nick: "ana" })!, ChatError);
  assertEquals(error.code, "not_permitted");
  // Both also reach onMessage, where the front ends show them.
  assertEquals(received.filter((m) => m.type === "done" || m.type === "error").length, 2);
  await client.quit();
});

Deno.test("ReconnectingClient.topic follows joined and live topic notices", async () => {
  const server = new ScriptedServer((message, connection) => {
    if (message.type !== "hello") return;
    const [welcome, joined, end] = welcomeFor(message);
    connection.push(welcome);
    connection.push({ ...joined, topic: "Exam at 10" } as ServerMessage);
    connection.push(end);
  });
  const { client: connecting, arrived } = connect(server);
  const client = await connecting;
  assertEquals(client.topic, "Exam at 10");
  server.connections[0].push({
    type: "notice",
    id: 9,
    ts: "2026-11-21T09:30:00.000Z",
    room: "lobby",
    from: "ana",
    text: "ana cleared the topic.",
    event: "topic",
    by: "ana",
    topic: "",
  });
  await arrived((message) => message.type === "notice");
  assertEquals(client.topic, undefined);
  await client.quit();
});
