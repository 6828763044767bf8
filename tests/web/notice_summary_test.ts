import { assertEquals } from "@std/assert";
import { type NoticeItem, summarizeNotices } from "../../web/list/notice_summary.ts";

/** Notices from a compact form: "+ana" joined, "-ben" left. */
function notices(...items: string[]): NoticeItem[] {
  return items.map((item) => ({
    nick: item.slice(1),
    event: item.startsWith("+") ? "join" : "leave",
  }));
}

Deno.test("summarizeNotices() names two people and counts the rest", () => {
  const cases: [NoticeItem[], string][] = [
    [notices("+ana"), "ana joined"],
    [notices("+ana", "+ben"), "ana and ben joined"],
    [notices("+ana", "+ben", "+cy"), "ana, ben and cy joined"],
    [notices("+ana", "+ben", "+cy", "+dan"), "ana, ben and 2 others joined"],
    [notices("+ana", "+ben", "+cy", "+dan", "+eve"), "ana, ben and 3 others joined"],
    [notices("-ana", "-ben"), "ana and ben left"],
  ];
  for (const [items, line] of cases) assertEquals(summarizeNotices(items), line);
});

Deno.test("summarizeNotices() groups by what each person did, in the order it first happened", () => {
  const cases: [NoticeItem[], string][] = [
    [notices("+ana", "-ben"), "ana joined, ben left"],
    [notices("-ben", "+ana", "+cy"), "ben left, ana and cy joined"],
    [notices("+ana", "-ana"), "ana joined and left"],
    [notices("-ana", "+ana"), "ana left and came back"],
    [notices("+ana", "-ana", "+ana"), "ana joined"],
    [
      notices("+ben", "+cy", "+dan", "+eve", "+fay", "-cy"),
      "ben, dan and 2 others joined, cy joined and left",
    ],
  ];
  for (const [items, line] of cases) assertEquals(summarizeNotices(items), line);
});
