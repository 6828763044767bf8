import { assertEquals } from "@std/assert";
import { notificationSupport, roomAlerts, wantsAlert } from "../../web/following/alert_policy.ts";

Deno.test("notificationSupport() offers notifications only to a secure page with the API, not blocked", () => {
  assertEquals(notificationSupport({ secure: true, api: true, permission: "default" }), {
    available: true,
  });
  assertEquals(notificationSupport({ secure: true, api: true, permission: "granted" }), {
    available: true,
  });
  const lan = notificationSupport({ secure: false, api: false });
  assertEquals(lan.available, false);
  if (!lan.available) {
    assertEquals(/HTTPS.*--tls.*localhost/.test(lan.reason), true, lan.reason);
  }
  // Chromium keeps the API on an insecure page; the page still may not use it.
  assertEquals(notificationSupport({ secure: false, api: true }).available, false);
  assertEquals(notificationSupport({ secure: true, api: false }).available, false);
  const blocked = notificationSupport({ secure: true, api: true, permission: "denied" });
  assertEquals(
    blocked.available ? "" : blocked.reason.startsWith("Notifications are blocked"),
    true,
  );
});

Deno.test("wantsAlert() follows the room's choice; private messages always call", () => {
  const cases: [Parameters<typeof wantsAlert>[0], boolean, boolean, boolean][] = [
    // choice, private, mention, alert
    ["mentions", false, false, false],
    ["mentions", false, true, true],
    ["mentions", true, false, true],
    ["all", false, false, true],
    ["nothing", false, true, false],
    ["nothing", true, false, true],
  ];
  for (const [choice, isPrivate, mention, expected] of cases) {
    assertEquals(
      wantsAlert(choice, { private: isPrivate, mention }),
      expected,
      `${choice} ${isPrivate} ${mention}`,
    );
  }
});

Deno.test("roomAlerts() reads a stored choice back, mentions unless it is another valid one", () => {
  assertEquals(["all", "nothing", "mentions", "loud", undefined, 3].map(roomAlerts), [
    "all",
    "nothing",
    "mentions",
    "mentions",
    "mentions",
    "mentions",
  ]);
});
