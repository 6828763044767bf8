import { assertEquals } from "@std/assert";
import { parseRange } from "../../../src/server/http/range.ts";

Deno.test("parseRange() reads one byte range of a representation, as RFC 9110 says", () => {
  const cases: [string | null, number, ReturnType<typeof parseRange>][] = [
    [null, 1000, undefined],
    ["bytes=0-", 1000, { start: 0, end: 999 }],
    ["bytes=100-", 1000, { start: 100, end: 999 }],
    ["bytes=100-199", 1000, { start: 100, end: 199 }],
    ["bytes=100-5000", 1000, { start: 100, end: 999 }],
    ["bytes=999-999", 1000, { start: 999, end: 999 }],
    ["bytes=-100", 1000, { start: 900, end: 999 }],
    ["bytes=-5000", 1000, { start: 0, end: 999 }],
    [" Bytes = 5 - 9 ", 1000, { start: 5, end: 9 }],
    ["bytes=1000-", 1000, "unsatisfiable"],
    ["bytes=2000-3000", 1000, "unsatisfiable"],
    ["bytes=-0", 1000, "unsatisfiable"],
    ["bytes=0-", 0, "unsatisfiable"],
    ["bytes=200-100", 1000, undefined],
    ["bytes=0-1,5-9", 1000, undefined],
    ["items=0-1", 1000, undefined],
    ["bytes=-", 1000, undefined],
    ["bytes=abc", 1000, undefined],
    ["bytes=99999999999999999999-", 1000, undefined],
  ];
  for (const [header, size, expected] of cases) {
    assertEquals(parseRange(header, size), expected, `${header} of ${size}`);
  }
});
