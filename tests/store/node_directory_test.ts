import { assertEquals } from "@std/assert";
import { NodeDirectory } from "../../src/store/nats/node_directory.ts";
import { testNatsContext } from "../support/nats.ts";

Deno.test("NodeDirectory: each node lists itself first, then the others it heard of lately", async () => {
  let now = 1_000_000;
  const a = await testNatsContext("a");
  const b = await testNatsContext("b");
  const bContext = { ...b.context, prefix: a.context.prefix };
  const clock = { now: () => now, everyMs: 60_000, staleMs: 20_000 };
  const first = await NodeDirectory.open(a.context, { name: "a", chat: "10.0.0.1:7777" }, clock);
  const second = await NodeDirectory.open(bContext, {
    name: "b",
    chat: "10.0.0.2:7777",
    web: "http://10.0.0.2:7778/",
  }, clock);
  try {
    assertEquals(second.list(), [
      { name: "b", chat: "10.0.0.2:7777", web: "http://10.0.0.2:7778/" },
      { name: "a", chat: "10.0.0.1:7777" },
    ]);
    // a read before b said it was up: it learns of b at its next refresh, not before.
    assertEquals(first.list(), [{ name: "a", chat: "10.0.0.1:7777" }]);
    now += 25_000;
    assertEquals(second.list().map((node) => node.name), ["b"], "a is stale now");
  } finally {
    first.close();
    second.close();
    await a.cleanup();
    await b.cleanup();
  }
});
