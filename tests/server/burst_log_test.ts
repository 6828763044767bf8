import { assertEquals } from "@std/assert";
import { BurstLog } from "../../src/server/burst_log.ts";

Deno.test("BurstLog.note() logs the first event of a burst, and counts the rest for the next burst", () => {
  let now = 0;
  const lines: string[] = [];
  const log = new BurstLog((line) => lines.push(line), { quietMs: 1000, now: () => now });
  // Events every 500 ms make one burst, however long it lasts.
  for (let i = 0; i < 10; i++, now += 500) log.note("accept", () => `failure ${i}`);
  log.note("refused", () => "another kind");
  now += 1500;
  log.note("accept", () => "after a quiet second");
  log.note("accept", () => "same burst");
  now += 1000;
  log.note("accept", () => "a new burst");
  assertEquals(lines, [
    "failure 0",
    "another kind",
    "after a quiet second (the burst before had 9 more, not logged)",
    "a new burst (the burst before had 1 more, not logged)",
  ]);
});

Deno.test("BurstLog.note() builds the line only when it logs it", () => {
  let built = 0;
  const log = new BurstLog(() => {});
  for (let i = 0; i < 100; i++) log.note("k", () => `line ${++built}`);
  assertEquals(built, 1);
});
