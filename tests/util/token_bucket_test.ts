import { assert, assertEquals } from "@std/assert";
import { TokenBucket } from "../../src/util/mod.ts";
import { ManualClock } from "../_manual_clock.ts";

Deno.test("TokenBucket grants the burst at once and refuses the next request", () => {
  const bucket = new TokenBucket({ perSecond: 5, burst: 3, now: new ManualClock().now });
  assertEquals([bucket.take(), bucket.take(), bucket.take(), bucket.take()], [
    true,
    true,
    true,
    false,
  ]);
  assertEquals(bucket.take(), false, "refusals take nothing and grant nothing");
});

Deno.test("TokenBucket refills at perSecond over time", () => {
  const clock = new ManualClock();
  const bucket = new TokenBucket({ perSecond: 10, burst: 5, now: clock.now });
  for (let i = 0; i < 5; i++) bucket.take();
  assertEquals(bucket.take(), false);
  clock.advance(99);
  assertEquals(bucket.take(), false, "99 ms is not yet a whole token at 10/s");
  clock.advance(1);
  assertEquals(bucket.take(), true, "100 ms is");
  assertEquals(bucket.take(), false);
  clock.advance(250);
  assertEquals([bucket.take(), bucket.take(), bucket.take()], [true, true, false]);
  clock.advance(50);
  assertEquals(bucket.take(), true, "the half token left over is kept");
});

Deno.test("TokenBucket never holds more than its burst, however long it idles", () => {
  const clock = new ManualClock();
  const bucket = new TokenBucket({ perSecond: 1000, burst: 4, now: clock.now });
  clock.advance(60 * 60 * 1000);
  let granted = 0;
  while (bucket.take()) granted++;
  assertEquals(granted, 4);
});

Deno.test("TokenBucket sustains exactly its rate under a steady flood", () => {
  const clock = new ManualClock();
  const bucket = new TokenBucket({ perSecond: 50, burst: 200, now: clock.now });
  let granted = 0;
  for (let ms = 0; ms < 10_000; ms++) {
    // 5 requests every millisecond: far more than allowed.
    for (let i = 0; i < 5; i++) if (bucket.take()) granted++;
    clock.advance(1);
  }
  assertEquals(granted, 200 + 50 * 10 - 1, "the burst, then 50 a second for 10 s");
});

Deno.test("TokenBucket does not starve a connection when the wall clock steps back", () => {
  const clock = new ManualClock();
  const bucket = new TokenBucket({ perSecond: 50, burst: 200, now: clock.now });
  assert(bucket.take());
  // An NTP correction or a manual clock change moves Date.now() back an hour.
  clock.advance(-60 * 60 * 1000);
  assert(bucket.take(), "the tokens left before the step are still there");
  clock.advance(1000);
  let granted = 0;
  while (bucket.take()) granted++;
  assert(granted >= 50, `a second later requests are allowed again (granted ${granted})`);
});
