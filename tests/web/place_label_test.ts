import { assertEquals } from "@std/assert";
import { badgeCount, placeLabel } from "../../web/following/place_label.ts";

Deno.test("placeLabel() names the place, then what waits there", () => {
  const cases: [string, number, number, string][] = [
    ["lobby", 0, 0, "lobby"],
    ["lobby", 3, 0, "lobby, 3 unread"],
    ["lobby", 3, 1, "lobby, 3 unread, 1 mention"],
    ["lab-2", 12, 2, "lab-2, 12 unread, 2 mentions"],
    ["ben", 1, 0, "ben, 1 unread"],
  ];
  for (const [name, unread, mentions, expected] of cases) {
    assertEquals(placeLabel(name, { unread, mentions }), expected);
  }
});

Deno.test("badgeCount() keeps a badge to two digits and a plus", () => {
  assertEquals([0, 7, 99, 100, 4321].map(badgeCount), ["0", "7", "99", "99+", "99+"]);
});
