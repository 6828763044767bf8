import { assertEquals, assertRejects } from "@std/assert";
import { failoverDialer } from "../../src/client/mod.ts";

/** A listener on a free port of 127.0.0.1 that keeps count of the connections it accepted. */
function node(name: string, log: string[]): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const conn of listener) {
      log.push(name);
      conn.close();
    }
  })().catch(() => {});
  const close = () => {
    try {
      listener.close();
    } catch {
      // Closed already.
    }
  };
  return { port: (listener.addr as Deno.NetAddr).port, close };
}

/** A port nothing listens on. */
function deadPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Dials, and resolves once the node it reached has counted the connection. */
async function dialOnce(open: () => Promise<{ close(): void }>, log: string[]): Promise<string> {
  const before = log.length;
  const connection = await open();
  while (log.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
  connection.close();
  return log[log.length - 1];
}

Deno.test("failoverDialer() goes on to another node when one refuses, and stays with the one that answered", async () => {
  const log: string[] = [];
  const b = node("b", log);
  const c = node("c", log);
  const open = failoverDialer([
    { hostname: "127.0.0.1", port: deadPort() },
    { hostname: "127.0.0.1", port: b.port },
    { hostname: "127.0.0.1", port: c.port },
  ]);
  try {
    // After the dead node, the others in a random order: either may answer first.
    const first = await dialOnce(open, log);
    assertEquals(["b", "c"].includes(first), true, first);
    assertEquals(await dialOnce(open, log), first, "the node that answered is tried first");
    (first === "b" ? b : c).close();
    assertEquals(await dialOnce(open, log), first === "b" ? "c" : "b");
  } finally {
    b.close();
    c.close();
  }
  // With every node gone, the last one's error.
  await assertRejects(() => open());
});

Deno.test("failoverDialer() comes back round to the first node when the later ones died", async () => {
  const log: string[] = [];
  let a = node("a", log);
  const b = node("b", log);
  const aPort = a.port;
  const open = failoverDialer([
    { hostname: "127.0.0.1", port: aPort },
    { hostname: "127.0.0.1", port: b.port },
  ]);
  assertEquals(await dialOnce(open, log), "a");
  a.close();
  assertEquals(await dialOnce(open, log), "b");
  b.close();
  // a is back on its port.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: aPort });
  a = { port: aPort, close: () => listener.close() };
  (async () => {
    for await (const conn of listener) {
      log.push("a again");
      conn.close();
    }
  })().catch(() => {});
  assertEquals(await dialOnce(open, log), "a again");
  a.close();
});

Deno.test("failoverDialer() spreads the clients of a dead node over the others", async () => {
  const log: string[] = [];
  const b = node("b", log);
  const c = node("c", log);
  const dead = deadPort();
  try {
    for (let client = 0; client < 40; client++) {
      const open = failoverDialer([
        { hostname: "127.0.0.1", port: dead },
        { hostname: "127.0.0.1", port: b.port },
        { hostname: "127.0.0.1", port: c.port },
      ]);
      await dialOnce(open, log);
    }
    // Each of 40 picks either at random: all on one would happen once in half a trillion runs.
    assertEquals(new Set(log), new Set(["b", "c"]));
  } finally {
    b.close();
    c.close();
  }
});
