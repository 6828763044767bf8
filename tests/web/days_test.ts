import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { dayLabel, localDay } from "../../web/list/days.ts";

Deno.test("localDay() is the calendar day in local time, from its first to its last moment", () => {
  assertEquals(localDay(new Date(2026, 10, 21, 0, 0, 0)), "2026-11-21");
  assertEquals(localDay(new Date(2026, 10, 21, 23, 59, 59, 999)), "2026-11-21");
  assertEquals(localDay(new Date(2026, 0, 1)), "2026-01-01");
  assertNotEquals(localDay(new Date(2026, 10, 21, 23, 59)), localDay(new Date(2026, 10, 22, 0, 1)));
});

Deno.test("dayLabel() says Today and Yesterday, across a month's and a year's end", () => {
  const cases: [string, Date, string][] = [
    ["2026-11-21", new Date(2026, 10, 21, 0, 5), "Today"],
    ["2026-11-20", new Date(2026, 10, 21, 0, 5), "Yesterday"],
    ["2026-10-31", new Date(2026, 10, 1, 9), "Yesterday"],
    ["2026-12-31", new Date(2027, 0, 1, 9), "Yesterday"],
  ];
  for (const [day, now, label] of cases) assertEquals(dayLabel(day, now), label, `${day} ${now}`);
});

Deno.test("dayLabel() names an older day by its date, with the year only when it is another", () => {
  const now = new Date(2026, 10, 21, 12);
  // Exact punctuation varies with the ICU version; the words and numbers do not.
  const thisYear = dayLabel("2026-11-02", now, "en-GB");
  for (const word of ["Monday", "2", "November"]) assert(thisYear.includes(word), thisYear);
  assert(!thisYear.includes("2026"), thisYear);
  const lastYear = dayLabel("2025-11-02", now, "en-GB");
  for (const word of ["Sunday", "2", "November", "2025"]) assert(lastYear.includes(word), lastYear);
  assertEquals(dayLabel("2026-11-19", now, "de-DE").includes("Donnerstag"), true);
});
