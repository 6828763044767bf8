import { assertEquals } from "@std/assert";
import { AUTO_AWAY_MS, AutoAway } from "../../src/client/mod.ts";
import { ManualClock } from "../_manual_clock.ts";

Deno.test("AutoAway goes away after ten minutes without a keystroke, once, and back at the next", () => {
  const clock = new ManualClock();
  const away = new AutoAway({ now: clock.now });
  clock.advance(AUTO_AWAY_MS - 1);
  assertEquals(away.check(), undefined, "not yet");
  assertEquals(away.keystroke(), undefined, "a key while here sends nothing");
  clock.advance(AUTO_AWAY_MS - 1);
  assertEquals(away.check(), undefined, "the keystroke started the ten minutes again");
  clock.advance(1);
  assertEquals(away.check(), { type: "away" });
  assertEquals(away.away, true);
  clock.advance(AUTO_AWAY_MS * 3);
  assertEquals(away.check(), undefined, "away is said once");
  assertEquals(away.keystroke(), { type: "back" });
  assertEquals(away.keystroke(), undefined, "back is said once");
  assertEquals(away.away, false);
});

Deno.test("AutoAway: an absence the user chose ends with /back only, and idling then changes nothing", () => {
  const clock = new ManualClock();
  const away = new AutoAway({ now: clock.now, idleMs: 1000 });
  away.chose({ type: "away", text: "lunch" });
  assertEquals(away.keystroke(), undefined, "typing does not end a chosen absence");
  clock.advance(5000);
  assertEquals(away.check(), undefined, "already away");
  away.chose({ type: "back" });
  assertEquals(away.away, false);
  clock.advance(999);
  assertEquals(away.check(), undefined, "/back was a keystroke too");
  clock.advance(1);
  assertEquals(away.check(), { type: "away" });
});

Deno.test("AutoAway: /away after going away by itself makes the absence chosen: typing no longer ends it", () => {
  const clock = new ManualClock();
  const away = new AutoAway({ now: clock.now, idleMs: 1000 });
  clock.advance(1000);
  assertEquals(away.check(), { type: "away" });
  away.chose({ type: "away", text: "meeting" });
  assertEquals(away.keystroke(), undefined, "chosen now: no automatic back");
  assertEquals(away.restore(), { type: "away", text: "meeting" });
});

Deno.test("AutoAway.restore() says away again after a reconnect, with the reason, or nothing when here", () => {
  const clock = new ManualClock();
  const away = new AutoAway({ now: clock.now, idleMs: 1000 });
  assertEquals(away.restore(), undefined);
  clock.advance(1000);
  away.check();
  assertEquals(away.restore(), { type: "away" });
  away.keystroke();
  assertEquals(away.restore(), undefined);
  away.chose({ type: "away", text: "lunch" });
  assertEquals(away.restore(), { type: "away", text: "lunch" });
  away.chose({ type: "away" });
  assertEquals(away.restore(), { type: "away" });
});
