import { assertEquals } from "@std/assert";
import { formatClock } from "../../src/client/clock.ts";

const NOW = new Date(2026, 10, 21, 12, 0);

Deno.test("formatClock() shows the time alone today, the date too on another day", () => {
  const cases: { when: Date | undefined; shown: string }[] = [
    { when: new Date(2026, 10, 21, 9, 5), shown: "09:05" },
    { when: new Date(2026, 10, 21, 0, 0), shown: "00:00" },
    { when: new Date(2026, 10, 21, 23, 59), shown: "23:59" },
    { when: new Date(2026, 10, 20, 23, 59), shown: "2026-11-20 23:59" },
    { when: new Date(2025, 0, 2, 7, 8), shown: "2025-01-02 07:08" },
    { when: undefined, shown: "" },
  ];
  for (const { when, shown } of cases) {
    assertEquals(formatClock(when?.toISOString(), NOW), shown, String(when));
  }
});
