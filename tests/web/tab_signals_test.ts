import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { badgedIcon, svgDataUrl } from "../../web/following/badge_icon.ts";
import { tabTitle } from "../../web/following/tab_title.ts";

const ICON = await Deno.readTextFile(new URL("../../web/icon.svg", import.meta.url));

Deno.test("tabTitle() carries the unread count, with ! when something is for you", () => {
  const cases: [string, number, number, string][] = [
    ["lobby", 0, 0, "lobby — chat"],
    ["lobby", 3, 0, "(3) lobby — chat"],
    ["lobby", 3, 1, "(3!) lobby — chat"],
    ["ben (private)", 1, 1, "(1!) ben (private) — chat"],
  ];
  for (const [where, unread, attention, expected] of cases) {
    assertEquals(tabTitle(where, { unread, attention }), expected);
  }
});

Deno.test("badgedIcon() adds a badge to the page's icon: red for you, dark otherwise, 9+ past nine", () => {
  assertEquals(badgedIcon(ICON, { unread: 0, attention: 0 }), ICON, "nothing unread: the icon");
  const plain = badgedIcon(ICON, { unread: 3, attention: 0 });
  assertStringIncludes(plain, ">3</text>");
  assertStringIncludes(plain, 'fill="#1b1f24"');
  const forYou = badgedIcon(ICON, { unread: 12, attention: 2 });
  assertStringIncludes(forYou, ">9+</text>");
  assertStringIncludes(forYou, 'fill="#d1242f"');
  // The icon is drawn first and the badge over it, inside the one svg element.
  assert(forYou.startsWith(ICON.slice(0, ICON.lastIndexOf("</svg>"))));
  assert(forYou.trimEnd().endsWith("</text></svg>"), forYou.slice(-80));
  assertEquals(badgedIcon("not an svg", { unread: 1, attention: 0 }), "not an svg");
});

Deno.test("svgDataUrl() is a data: address that decodes to the same SVG", () => {
  const svg = badgedIcon(ICON, { unread: 4, attention: 1 });
  const url = svgDataUrl(svg);
  assert(url.startsWith("data:image/svg+xml,"));
  assertEquals(decodeURIComponent(url.slice("data:image/svg+xml,".length)), svg);
});
