import { assert, assertEquals } from "@std/assert";
import { every } from "../../src/server/ticker.ts";

Deno.test("every() runs each task on one shared timer until it is stopped", async () => {
  const seen: string[] = [];
  const twice = Promise.withResolvers<void>();
  const stopA = every(5, () => {
    seen.push("a");
    if (seen.filter((name) => name === "a").length === 2) twice.resolve();
  });
  const stopB = every(5, () => seen.push("b"));
  await twice.promise;
  stopA();
  stopB();
  // Both ran on the same ticks, in the order they were added.
  assertEquals(seen.slice(0, 4), ["a", "b", "a", "b"]);
  const count = seen.length;
  // Stopped: a later timer of the test's own fires, the tasks do not.
  await new Promise((resolve) => setTimeout(resolve, 30));
  assertEquals(seen.length, count);
});

Deno.test("every() hands each task the current time", async () => {
  const done = Promise.withResolvers<number>();
  const before = Date.now();
  const stop = every(3, (now) => done.resolve(now));
  const now = await done.promise;
  stop();
  assert(now >= before && now <= Date.now(), `${now} is not between ${before} and now`);
});
