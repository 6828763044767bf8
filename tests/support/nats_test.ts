import { assertEquals } from "@std/assert";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { startNats } from "./nats.ts";

Deno.test("startNats() runs a JetStream cluster of three that stores a replicated stream and survives one server killed", async () => {
  await using nats = await startNats({ servers: 3 });
  const nc = await connect({ servers: nats.urls });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "T", subjects: ["t.>"], num_replicas: 3 });
    const js = jetstream(nc);
    const first = await js.publish("t.a", "one", { msgID: "m1" });
    const again = await js.publish("t.a", "one", { msgID: "m1" });
    assertEquals([first.seq, again.seq, again.duplicate], [1, 1, true]);
    await nats.kill(2);
    // Until a new leader is elected (when the killed server led the stream), publishes time
    // out: tried again with the same id, the message is stored once.
    let second;
    const deadline = Date.now() + 20_000;
    while (second === undefined && Date.now() < deadline) {
      second = await js.publish("t.a", "two", { msgID: "m2", timeout: 1000 }).catch(() =>
        // A failure at once (no responders while the client reconnects): try again shortly.
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))
      );
    }
    assertEquals(second?.seq, 2);
    await nats.restart(2);
  } finally {
    await nc.close();
  }
});
