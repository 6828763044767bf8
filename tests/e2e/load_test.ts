import { assert, assertEquals } from "@std/assert";
import { type Received, startServer, TestClient, withTimeout } from "./_helpers.ts";

const CLIENTS = 50;
const SENDERS = 10;
const PER_SENDER = 20;
const ROOM = "load";

function text(sender: number, seq: number): string {
  return `load s${sender} n${seq}`;
}

function parse(message: Received): { sender: number; seq: number } | undefined {
  const found = typeof message.text === "string"
    ? message.text.match(/^load s(\d+) n(\d+)$/)
    : null;
  return found ? { sender: Number(found[1]), seq: Number(found[2]) } : undefined;
}

Deno.test("50 clients each receive every other client's messages once and in order", async () => {
  await using server = await startServer({ quiet: true });
  const clients: TestClient[] = [];
  try {
    // Join in batches so the test measures delivery, not a connect storm on 2 cores.
    for (let i = 0; i < CLIENTS; i += 10) {
      const batch = await Promise.allSettled(
        Array.from({ length: Math.min(10, CLIENTS - i) }, (_, j) =>
          TestClient.join(server.port, {
            nick: `user${i + j}`,
            passkey: server.passkey,
            room: ROOM,
          })),
      );
      for (const result of batch) if (result.status === "fulfilled") clients.push(result.value);
      const failed = batch.find((result) => result.status === "rejected");
      if (failed) throw failed.reason;
    }
    const marks = clients.map((client) => client.mark());

    // Each sender pipelines its messages without waiting; acks must come back for all.
    const acks = await withTimeout(
      Promise.all(
        clients.slice(0, SENDERS).map((client, sender) =>
          Promise.all(
            Array.from({ length: PER_SENDER }, (_, seq) => client.send(text(sender, seq))),
          )
        ),
      ),
      { timeoutMs: 30_000, what: "acks for every message" },
    );
    for (const [sender, replies] of acks.entries()) {
      for (const reply of replies) {
        assertEquals(reply.type, "ack", `sender ${sender}: ${JSON.stringify(reply)}`);
      }
      const ids = replies.map((reply) => Number(reply.id));
      assertEquals(new Set(ids).size, PER_SENDER, `sender ${sender} got distinct ids`);
      assert(ids.every((id, i) => i === 0 || id > ids[i - 1]), `sender ${sender}'s ids increase`);
    }

    await Promise.all(clients.map((client, index) => {
      const expected = index < SENDERS ? (SENDERS - 1) * PER_SENDER : SENDERS * PER_SENDER;
      return client.waitUntil(
        (messages) =>
          messages.slice(marks[index]).filter((m) => m.type === "message" && parse(m)).length >=
            expected,
        { what: `${expected} messages`, timeoutMs: 30_000 },
      );
    }));

    // A fence after everything, so a late duplicate would have arrived before it.
    const fence = await clients[CLIENTS - 1].send("fence");
    assertEquals(fence.type, "ack");
    await Promise.all(
      clients.slice(0, -1).map((client) =>
        client.waitFor((m) => m.type === "message" && m.text === "fence", { what: "the fence" })
      ),
    );

    for (const [index, client] of clients.entries()) {
      const received = client.messages.slice(marks[index]).flatMap((m) => {
        const parsed = m.type === "message" ? parse(m) : undefined;
        return parsed ? [{ m, ...parsed }] : [];
      });
      const bySender = new Map<number, number[]>();
      for (const { m, sender, seq } of received) {
        assertEquals(m.room, ROOM);
        assertEquals(m.from, `user${sender}`, `from matches the text: ${JSON.stringify(m)}`);
        assert(sender !== index, `client ${index} got its own message back: ${m.text}`);
        bySender.set(sender, [...bySender.get(sender) ?? [], seq]);
      }
      for (let sender = 0; sender < SENDERS; sender++) {
        if (sender === index) continue;
        assertEquals(
          bySender.get(sender),
          Array.from({ length: PER_SENDER }, (_, seq) => seq),
          `client ${index} got sender ${sender}'s messages once each, in order`,
        );
      }
      const ids = received.map(({ m }) => Number(m.id));
      assert(ids.every((id, i) => i === 0 || id > ids[i - 1]), `client ${index}: ids increase`);
    }
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
});
