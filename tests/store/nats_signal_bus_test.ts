import { assertEquals } from "@std/assert";
import type { Signal } from "../../src/chat/mod.ts";
import { NatsSignalBus } from "../../src/store/nats/nats_signal_bus.ts";
import { testNatsContext } from "../support/nats.ts";

Deno.test("NatsSignalBus: a signal reaches this node's listeners at once and the other node's once", async () => {
  const a = await testNatsContext("a");
  const b = await testNatsContext("b");
  const busA = NatsSignalBus.open(a.context);
  const busB = NatsSignalBus.open({ ...b.context, prefix: a.context.prefix });
  try {
    const atA: Signal[] = [];
    const atB: Signal[] = [];
    busA.subscribe((signal) => atA.push(signal));
    const arrived = Promise.withResolvers<void>();
    busB.subscribe((signal) => {
      atB.push(signal);
      arrived.resolve();
    });
    // Both subscriptions reach the server before the first publish.
    await a.context.nc.flush();
    await b.context.nc.flush();
    const signal: Signal = { to: "expel", nick: "ben", code: "kicked", text: "You were kicked." };
    await busA.publish(signal);
    assertEquals(atA, [signal], "at once, on the node that published");
    await arrived.promise;
    await a.context.nc.flush();
    await b.context.nc.flush();
    assertEquals(atB, [signal]);
    assertEquals(atA.length, 1, "not a second time through NATS");
  } finally {
    busA.close();
    busB.close();
    await a.cleanup();
    await b.cleanup();
  }
});
