import { assertEquals } from "@std/assert";
import { formatDuration, parseDuration } from "../../src/util/mod.ts";

Deno.test("parseDuration() reads units, combinations and plain seconds", () => {
  const cases: [string, number | undefined][] = [
    ["90s", 90_000],
    ["10m", 600_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1w", 604_800_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["250ms", 250],
    ["45", 45_000],
    [" 2H ", 7_200_000],
    ["", undefined],
    ["soon", undefined],
    ["2 hours", undefined],
    ["-1h", undefined],
    ["h", undefined],
  ];
  for (const [text, ms] of cases) assertEquals(parseDuration(text), ms, JSON.stringify(text));
});

Deno.test("formatDuration() writes what parseDuration() reads back", () => {
  for (const ms of [500, 1000, 45_000, 600_000, 5_400_000, 86_400_000, 90_061_000]) {
    assertEquals(parseDuration(formatDuration(ms)), ms, String(ms));
  }
  assertEquals(formatDuration(5_400_000), "1h30m");
  assertEquals(formatDuration(86_400_000), "1d");
});
