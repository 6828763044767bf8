/**
 * The host controls in the web client (issue 16, PROTOCOL.md section 3.5): operators marked in
 * the member list, a menu on each person and a Room settings dialog on an operator's page and
 * nowhere else (not even hidden), kicks seen by everyone, a kicked or banned page that says why
 * and stops, the topic and the room's marks in the header, a room's own passkey asked for.
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { TestClient } from "../e2e/_helpers.ts";
import {
  launchBrowser,
  login,
  openPage,
  sendFromPage,
  startWebServer,
  waitForStatus,
} from "./_browser.ts";
import { waitForShown } from "./_events.ts";
import { accessibilityTree, loginAsHost, operatorKey, recordConnection } from "./_host.ts";

/** The row of `nick` in the member list. */
function person(page: Page, nick: string) {
  return page.locator(`#users li[data-nick="${nick}"]`);
}

/** Opens the operator's menu on `nick` and chooses `item`. */
async function choose(page: Page, nick: string, item: string): Promise<void> {
  await page.getByRole("button", { name: `Actions for ${nick}` }).click();
  await page.getByRole("menu", { name: `Actions for ${nick}` }).getByRole("menuitem", {
    name: item,
  }).click();
}

/** A notice of `event` about `from` in the page's message list. */
function notice(page: Page, event: string, from: string) {
  return page.locator(
    `#messages .event[data-type="notice"][data-event="${event}"][data-from="${from}"]`,
  );
}

/** Axe's serious and critical violations on the page as it is, in the light and dark themes. */
async function seriousViolations(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: "attached" });
    const { violations } = await new AxeBuilder({ page }).analyze();
    found.push(
      ...violations
        .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
        .flatMap((violation) =>
          violation.nodes.map((node) => `${theme}: ${violation.id} ${node.target.join(" ")}`)
        ),
    );
  }
  await page.emulateMedia({ colorScheme: "light" });
  return found;
}

Deno.test("an operator's page marks operators and has a menu on each person and the room settings; an ordinary page has none of it", async () => {
  await using server = await startWebServer();
  const operator = await operatorKey(server.dataDir);
  await using chrome = await launchBrowser();
  await using host = await openPage(chrome.browser, server.webUrl);
  await using other = await openPage(chrome.browser, server.webUrl);
  await loginAsHost(host.page, { nick: "ana", passkey: server.passkey, operator });
  await login(other.page, { nick: "ben", passkey: server.passkey });
  await person(host.page, "ben").waitFor();

  // Both pages mark the host as an operator, in words for screen readers.
  for (const { page } of [host, other]) {
    await person(page, "ana").and(page.locator("[data-op=true]")).waitFor();
    const names = (await accessibilityTree(page)).map((node) => node.name);
    assert(names.some((name) => /^ana\b.*\boperator\b/.test(name)), JSON.stringify(names));
    assertEquals(await person(page, "ben").getAttribute("data-op"), null);
  }

  // The operator's page: a menu on ben (none on herself), reachable from the keyboard.
  assertEquals(await person(host.page, "ana").locator("button.person-actions").count(), 0);
  const actions = host.page.getByRole("button", { name: "Actions for ben" });
  await actions.focus();
  await host.page.keyboard.press("Enter");
  const menu = host.page.getByRole("menu", { name: "Actions for ben" });
  await menu.waitFor();
  assertEquals(await actions.getAttribute("aria-expanded"), "true");
  assertEquals(await host.page.locator(":focus").textContent(), "Kick…");
  await host.page.keyboard.press("ArrowDown");
  assertEquals(await host.page.locator(":focus").textContent(), "Mute…");
  assertEquals(
    await menu.getByRole("menuitem").allTextContents(),
    ["Kick…", "Mute…", "Unmute", "Ban…", "Make operator"],
  );
  assertEquals(await seriousViolations(host.page), [], "with the person menu open");
  await host.page.keyboard.press("Escape");
  await menu.waitFor({ state: "detached" });
  assertEquals(await host.page.locator(":focus").getAttribute("aria-label"), "Actions for ben");

  // Room settings: read as they are, changed, and what changed shows in the header.
  await host.page.getByRole("button", { name: "Room settings" }).click();
  const dialog = host.page.getByRole("dialog", { name: "Settings of lobby" });
  await dialog.waitFor();
  assertEquals(await dialog.getByLabel("Slow mode, seconds").inputValue(), "0");
  assert(await dialog.getByLabel("Files may be shared here").isChecked());
  assertEquals(await seriousViolations(host.page), [], "with the settings dialog open");
  await dialog.getByLabel("Topic").fill("Exams on Friday");
  await dialog.getByLabel("Slow mode, seconds").fill("30");
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.waitFor({ state: "detached" });
  assertEquals(
    await host.page.locator(":focus").textContent(),
    "Room settings",
    "the focus is back on the button",
  );
  for (const { page } of [host, other]) {
    await page.locator("#room-topic", { hasText: /^Exams on Friday$/ }).waitFor();
    await notice(page, "topic", "ana").waitFor();
  }
  await host.page.locator("#room-flags .flag", { hasText: /^Slow mode: 30 s$/ }).waitFor();

  // The ordinary page: nothing of the controls, in the page or its accessibility tree.
  for (const selector of ["button.person-actions", "#room-settings-button", "dialog.host-dialog"]) {
    assertEquals(await other.page.locator(selector).count(), 0, selector);
  }
  const tree = await accessibilityTree(other.page);
  assertEquals(
    tree.filter((node) =>
      /Actions for|Room settings|Kick|Ban\b|Make operator/.test(node.name) || node.role === "menu"
    ),
    [],
  );
  // Slow mode reaches ben as a sentence that says when to try again.
  await sendFromPage(other.page, "first");
  await waitForShown(other.page, { type: "message", text: "first" });
  await sendFromPage(other.page, "too soon");
  const refusal = await waitForShown(other.page, { type: "error" });
  assertMatch(refusal.text, /You can post again in \d+ s\.$/);
  for (const fixture of [host, other]) assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("an operator kicks a terminal user and a page from the menu: the others see it, and the kicked page says why and does not reconnect", async () => {
  await using server = await startWebServer();
  const operator = await operatorKey(server.dataDir);
  await using chrome = await launchBrowser();
  await using host = await openPage(chrome.browser, server.webUrl);
  await using kicked = await openPage(chrome.browser, server.webUrl);
  await loginAsHost(host.page, { nick: "ana", passkey: server.passkey, operator });
  await login(kicked.page, { nick: "dan", passkey: server.passkey });
  await using carl = await TestClient.join(server.port, { nick: "carl", passkey: server.passkey });
  await person(host.page, "carl").waitFor();

  // The terminal user first: the dialog asks why, everyone else is told.
  await choose(host.page, "carl", "Kick…");
  const dialog = host.page.getByRole("dialog", { name: "Kick carl" });
  await dialog.getByLabel(/^Reason/).fill("flooding the room");
  await dialog.getByRole("button", { name: "Kick" }).click();
  await dialog.waitFor({ state: "detached" });
  const error = await carl.waitFor((m) => m.type === "error", { what: "kicked" });
  assertEquals([error.code, error.fatal], ["kicked", true]);
  await carl.waitForClose();
  for (const { page } of [host, kicked]) {
    const line = notice(page, "kick", "carl");
    await line.waitFor();
    // Its own line, not folded into a run of joins and leaves.
    assertEquals(await line.locator("xpath=ancestor::details").count(), 0);
    assertMatch(await line.locator(".text").textContent() ?? "", /carl/);
    await person(page, "carl").waitFor({ state: "detached" });
  }

  // Then the page: it shows the server's sentence and stops.
  const record = await recordConnection(kicked.page);
  await choose(host.page, "dan", "Kick…");
  const second = host.page.getByRole("dialog", { name: "Kick dan" });
  await second.getByLabel(/^Reason/).fill("off topic");
  await second.getByRole("button", { name: "Kick" }).click();
  await kicked.page.locator("#login-page").waitFor({ state: "visible" });
  assertMatch(await kicked.page.locator("#login-error").textContent() ?? "", /off topic/);
  await waitForStatus(kicked.page, /^Disconnected$/);
  await notice(host.page, "kick", "dan").waitFor();
  const statuses = await record.statuses();
  assertEquals(statuses.filter((text) => /Reconnecting/.test(text)), [], statuses.join(" | "));
  assertEquals(record.sockets, [], "no new connection after the kick");
  for (const fixture of [host, kicked]) assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("Make operator from the menu gives that person's page the controls and Remove operator takes them away; a banned page stays out after a reload", async () => {
  await using server = await startWebServer();
  const operator = await operatorKey(server.dataDir);
  await using chrome = await launchBrowser();
  await using host = await openPage(chrome.browser, server.webUrl);
  await using ben = await openPage(chrome.browser, server.webUrl);
  await using eve = await openPage(chrome.browser, server.webUrl);
  await loginAsHost(host.page, { nick: "ana", passkey: server.passkey, operator });
  await login(ben.page, { nick: "ben", passkey: server.passkey });
  await login(eve.page, { nick: "eve", passkey: server.passkey });
  await person(host.page, "eve").waitFor();

  await choose(host.page, "ben", "Make operator");
  await notice(host.page, "op", "ben").waitFor();
  await ben.page.getByRole("button", { name: "Room settings" }).waitFor();
  await ben.page.getByRole("button", { name: "Actions for eve" }).waitFor();
  for (const { page } of [host, ben, eve]) {
    await person(page, "ben").and(page.locator("[data-op=true]")).waitFor();
  }
  // An operator's menu on another operator only demotes.
  await host.page.getByRole("button", { name: "Actions for ben" }).click();
  assertEquals(
    await host.page.getByRole("menu", { name: "Actions for ben" }).getByRole("menuitem")
      .allTextContents(),
    ["Remove operator"],
  );
  await host.page.keyboard.press("Escape");

  await choose(host.page, "ben", "Remove operator");
  await notice(ben.page, "deop", "ben").waitFor();
  await ben.page.locator("#room-settings-button").waitFor({ state: "detached" });
  assertEquals(await ben.page.locator("button.person-actions").count(), 0);
  await person(eve.page, "ben").and(eve.page.locator(":not([data-op])")).waitFor();

  // A ban for a day: eve's page says why, and a reload (which signs in by itself) is refused.
  await choose(host.page, "eve", "Ban…");
  const dialog = host.page.getByRole("dialog", { name: "Ban eve" });
  assertEquals(await dialog.getByLabel("For how long").inputValue(), String(24 * 60 * 60));
  await dialog.getByLabel(/^Reason/).fill("rude");
  await dialog.getByRole("button", { name: "Ban" }).click();
  await eve.page.locator("#login-page").waitFor({ state: "visible" });
  assertMatch(await eve.page.locator("#login-error").textContent() ?? "", /rude/);
  await notice(ben.page, "ban", "eve").waitFor();
  await eve.page.reload();
  await eve.page.locator("#login-error", { hasText: /\S/ }).waitFor();
  assert(await eve.page.locator("#chat-page").isHidden());
  for (const fixture of [host, ben]) assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a room with a passkey of its own asks a page for it, says so when it is wrong, and lets it in with it", async () => {
  await using server = await startWebServer();
  const operator = await operatorKey(server.dataDir);
  await using chrome = await launchBrowser();
  await using host = await openPage(chrome.browser, server.webUrl);
  await using ben = await openPage(chrome.browser, server.webUrl);
  await loginAsHost(host.page, { nick: "ana", passkey: server.passkey, operator });
  await login(ben.page, { nick: "ben", passkey: server.passkey });
  await sendFromPage(host.page, "/join staff");
  await host.page.locator("#room-name", { hasText: /^staff$/ }).waitFor();
  await host.page.getByRole("button", { name: "Room settings" }).click();
  const settings = host.page.getByRole("dialog", { name: "Settings of staff" });
  await settings.getByLabel("Room passkey").fill("tea-at-four");
  await settings.getByRole("button", { name: "Save" }).click();
  await host.page.locator("#room-flags .flag", { hasText: /^Passkey$/ }).waitFor();

  await sendFromPage(ben.page, "/join staff");
  const ask = ben.page.getByRole("dialog", { name: "The room staff has a passkey" });
  await ask.getByLabel("Room passkey").fill("coffee");
  await ask.getByRole("button", { name: "Join" }).click();
  await ask.locator(".dialog-status.error", { hasText: /\S/ }).waitFor();
  await ask.getByLabel("Room passkey").fill("tea-at-four");
  await ask.getByRole("button", { name: "Join" }).click();
  await ask.waitFor({ state: "detached" });
  await ben.page.locator("#room-name", { hasText: /^staff$/ }).waitFor();
  await person(host.page, "ben").waitFor();
  for (const fixture of [host, ben]) assertEquals(fixture.pageErrors, [], fixture.describe());
});
