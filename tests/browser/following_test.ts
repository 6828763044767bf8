/**
 * Following every conversation in the web client (issue 15): unread counts and mentions in the
 * sidebar, read on one device and cleared on another, the tab's title and icon, private
 * conversations as places of their own that survive room switches, reloads and absences,
 * `/mentions`, typing and away, and alerts (notifications only on a secure page).
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { Buffer } from "node:buffer";
import type { Browser, Page } from "playwright-core";
import { TestClient } from "../e2e/_helpers.ts";
import { spawnJoin } from "../e2e/_helpers.ts";
import {
  BROWSER_TIMEOUT_MS,
  launchBrowser,
  login,
  openPage,
  sendFromPage,
  startWebServer,
  waitForStatus,
} from "./_browser.ts";
import { waitForShown } from "./_events.ts";
import {
  chromiumButtonNames,
  conversationList,
  conversationRows,
  joinRoom,
  linkCodeFrom,
  loginWithLinkCode,
  placeButton,
  waitForPlace,
  waitForTitle,
} from "./_following.ts";
import { launchChromium } from "../support/chromium.ts";

/** What a page function reads of the page's icon link. */
interface IconLink {
  href: string;
}

/** The `href` of the page's `<link rel="icon">`, decoded when it is a `data:` address. */
function iconOf(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: { querySelector(selector: string): IconLink | null };
    };
    const href = document.querySelector('link[rel="icon"]')?.href ?? "";
    const data = "data:image/svg+xml,";
    return href.startsWith(data) ? decodeURIComponent(href.slice(data.length)) : href;
  });
}

Deno.test("an unread count appears on a room when a terminal user posts there, and clears when read, on a second device too", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using laptop = await openPage(chrome.browser, server.webUrl);
  await using phone = await openPage(chrome.browser, server.webUrl);
  await login(laptop.page, { nick: "ana", passkey: server.passkey });
  const code = await linkCodeFrom(laptop.page);
  await joinRoom(laptop.page, "side");
  // The same person on a second device: a nick of its own, since one nick is one connection.
  await loginWithLinkCode(phone.page, "ana-phone", code);
  await joinRoom(phone.page, "side");
  await waitForPlace(phone.page, { room: "lobby" }, "lobby");

  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();
  await ben.write("hello from the terminal");
  for (const { page } of [laptop, phone]) {
    const button = await waitForPlace(page, { room: "lobby" }, "lobby, 1 unread");
    assertEquals(await button.locator(".badge.unread").textContent(), "1");
    assert(await button.locator(".badge.mentions").isHidden(), "a mention badge without mentions");
    await waitForTitle(page, "(1) side — chat");
    // What a screen reader hears, as Chromium computes it: the name, then the counts in words.
    const names = await chromiumButtonNames(page);
    assert(names.includes("lobby, 1 unread"), JSON.stringify(names));
  }

  // Read on the laptop: the room opens, the count goes, and the phone is told.
  await placeButton(laptop.page, { room: "lobby" }).click();
  await laptop.page.locator("#room-name", { hasText: /^lobby$/ }).waitFor();
  await waitForShown(laptop.page, { from: "ben", text: "hello from the terminal" });
  await waitForPlace(laptop.page, { room: "lobby" }, "lobby");
  await waitForPlace(phone.page, { room: "lobby" }, "lobby");
  await waitForTitle(phone.page, "side — chat");
  assertEquals(
    await phone.page.locator('#rooms li[data-room="lobby"] .badge.unread').isHidden(),
    true,
  );
  for (const fixture of [laptop, phone]) assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("an @mention raises the mention count, the tab's title and icon; /mentions lists it and goes there", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await joinRoom(page, "side");
  assertEquals(await iconOf(page), new URL("/icon.svg", server.webUrl).href);
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });

  await ben.send("just chatting");
  await waitForPlace(page, { room: "lobby" }, "lobby, 1 unread");
  await waitForTitle(page, "(1) side — chat");
  const mention = await ben.send("@ana can you look at the notes?");
  const button = await waitForPlace(page, { room: "lobby" }, "lobby, 2 unread, 1 mention");
  assertEquals(await button.locator(".badge.mentions").textContent(), "@1");
  await waitForTitle(page, "(2!) side — chat");
  // The icon carries the count in a red badge, drawn from the page's own icon.
  const icon = await iconOf(page);
  assertMatch(icon, /^<svg[\s\S]*>2<\/text><\/svg>\s*$/);
  assertMatch(icon, /fill="#d1242f"/);

  await sendFromPage(page, "/mentions");
  const listed = page.locator("#messages .mention-list li");
  await listed.first().waitFor();
  assertEquals(await listed.count(), 1);
  assertEquals(await listed.getAttribute("data-id"), String(mention.id));
  assertMatch(await listed.textContent() ?? "", /#lobby ben @ana can you look at the notes\?$/);
  await page.getByRole("button", { name: "Go to lobby" }).click();
  await page.locator("#room-name", { hasText: /^lobby$/ }).waitFor();
  await waitForShown(page, { id: Number(mention.id) });
  await waitForPlace(page, { room: "lobby" }, "lobby");
  await waitForTitle(page, "lobby — chat");
  assertEquals(await iconOf(page), new URL("/icon.svg", server.webUrl).href);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a private conversation is a place of its own: it survives a room switch and a reload", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });

  await ben.private("ana", "psst, a word?");
  const talk = await waitForPlace(page, { with: "ben" }, "ben, 1 unread");
  await waitForTitle(page, "(1!) lobby — chat");
  await talk.click();
  await conversationList(page, "ben").locator(".event", { hasText: "psst, a word?" }).waitFor();
  assert(
    await page.locator("#messages").isHidden(),
    "the room's list shows beside the conversation",
  );
  assertEquals(await page.locator("#room-name").getAttribute("data-place"), "conversation");
  await waitForPlace(page, { with: "ben" }, "ben");
  await waitForTitle(page, "ben (private) — chat");

  // The message box talks to ben now, privately.
  const since = ben.mark();
  await sendFromPage(page, "sure, go ahead");
  const heard = await ben.waitFor((m) => m.type === "private" && m.from === "ana", { since });
  assertEquals([heard.to, heard.text], ["ben", "sure, go ahead"]);
  await conversationList(page, "ben").locator(".event.mine", { hasText: "sure, go ahead" })
    .waitFor();

  // To another room and back: the conversation is still there, whole.
  await joinRoom(page, "side");
  assert(await conversationList(page, "ben").isHidden());
  await ben.private("ana", "while you were in side");
  await waitForPlace(page, { with: "ben" }, "ben, 1 unread");
  await placeButton(page, { with: "ben" }).click();
  const missed = conversationList(page, "ben").locator(".event", {
    hasText: "while you were in side",
  });
  await missed.waitFor();
  // Where ana left the conversation, a New messages line.
  assertEquals(
    await missed.evaluate((row) =>
      (row as unknown as { previousElementSibling: { className: string } | null })
        .previousElementSibling?.className
    ),
    "separator new",
  );
  const expected = [
    { type: "private", from: "ben", text: "psst, a word?" },
    { type: "private", from: "ana", text: "sure, go ahead" },
    { type: "private", from: "ben", text: "while you were in side" },
  ];
  assertEquals(await conversationRows(page, "ben"), expected);

  // A reload comes back to it, from the server's history of the conversation.
  await page.reload();
  await waitForStatus(page, /^Connected$/);
  await conversationList(page, "ben").locator(".event", { hasText: "while you were in side" })
    .waitFor();
  assertEquals(await conversationRows(page, "ben"), expected);
  assertEquals(await page.locator("#room-name").textContent(), "ben");
  await waitForPlace(page, { with: "ben" }, "ben");
  // `/query` alone goes back to the room; `/query ben` to the conversation again.
  await sendFromPage(page, "/query");
  await page.locator("#room-name[data-place=room]", { hasText: /^lobby$/ }).waitFor();
  await sendFromPage(page, "/query ben");
  await page.locator("#room-name[data-place=conversation]", { hasText: /^ben$/ }).waitFor();
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a /msg starts a conversation; a file shared in a conversation goes to that person only", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await using cy = await TestClient.join(server.port, { nick: "cy", passkey: server.passkey });

  // A private message from the room starts a conversation in the sidebar, without leaving.
  await sendFromPage(page, "/msg cy a word for cy");
  await cy.waitFor((m) => m.type === "private" && m.text === "a word for cy");
  await waitForPlace(page, { with: "cy" }, "cy");
  assertEquals(await page.locator("#room-name").getAttribute("data-place"), "room");

  await sendFromPage(page, "/query ben");
  await page.locator("#room-name[data-place=conversation]", { hasText: /^ben$/ }).waitFor();
  await page.locator("#file-input").setInputFiles({
    name: "for-ben.txt",
    mimeType: "text/plain",
    buffer: Buffer.from("only for ben"),
  });
  const shared = await ben.waitFor((m) => m.type === "file" && m.from === "ana");
  assertEquals(shared.to, "ben");
  await conversationList(page, "ben").locator('.event[data-type="file"]', {
    hasText: "for-ben.txt",
  }).waitFor();
  await cy.ping();
  await ben.ping();
  assertEquals(cy.messages.filter((m) => m.type === "file"), [], "cy was sent ana's private file");
  assertEquals(await page.locator('#messages .event[data-type="file"]').count(), 0);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a private message sent while the recipient was away waits for them, counted in the sidebar", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await page.locator('#users li[data-nick="ben"]').waitFor();

  await page.goto("about:blank");
  await ben.waitFor((m) => m.type === "notice" && m.event === "leave" && m.from === "ana");
  const ack = await ben.private("ana", "left you a note while you were out");
  assertEquals(ack.type, "ack", JSON.stringify(ack));

  // Back, signed in by this browser's device: the note is counted, and there when opened.
  await page.goto(server.webUrl);
  await waitForStatus(page, /^Connected$/);
  await waitForPlace(page, { with: "ben" }, "ben, 1 unread");
  await waitForTitle(page, "(1!) lobby — chat");
  await placeButton(page, { with: "ben" }).click();
  await conversationList(page, "ben").locator(".event", {
    hasText: "left you a note while you were out",
  }).waitFor();
  await waitForPlace(page, { with: "ben" }, "ben");
  // Where ana left off, a New messages line: the note was not read.
  const line = conversationList(page, "ben").locator(".separator.new");
  assertEquals(await line.count(), 1);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test('typing shows as "ben is typing…" until his message, and away shows in the member list', async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await page.locator('#users li[data-nick="ben"]').waitFor();

  await ben.sendMessage({ type: "typing" });
  const typing = page.locator("#typing");
  await typing.filter({ hasText: /^ben is typing…$/ }).waitFor();
  await ben.send("here it is");
  await waitForShown(page, { text: "here it is" });
  await typing.filter({ hasText: /^$/ }).waitFor();

  // ana types: ben is told where.
  const since = ben.mark();
  await page.locator("#input").pressSequentially("hello b", { delay: 20 });
  const signal = await ben.waitFor((m) => m.type === "typing" && m.from === "ana", { since });
  assertEquals(signal.room, "lobby");
  await page.locator("#input").fill("");

  // Away and back, both ways.
  await ben.sendMessage({ type: "away", text: "lunch" });
  const away = page.locator('#users li[data-nick="ben"][data-away="true"]');
  await away.waitFor();
  assertEquals(await away.locator("button").textContent(), "ben (away)");
  assertMatch(await away.locator("button").getAttribute("title") ?? "", /away: lunch/);
  await ben.sendMessage({ type: "back" });
  await away.waitFor({ state: "detached" });
  const mark = ben.mark();
  await sendFromPage(page, "/away meeting");
  const told = await ben.waitFor((m) => m.type === "presence" && m.nick === "ana", { since: mark });
  assertEquals([told.away, told.text], [true, "meeting"]);
  await page.locator('#users li[data-nick="ana"][data-away="true"]').waitFor();
  await sendFromPage(page, "/back");
  await ben.waitFor((m) => m.type === "presence" && m.nick === "ana" && m.away === false, {
    since: mark,
  });
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

/** Records, in the page, each Notification made and each tone played. */
const RECORD_ALERTS = `
  globalThis.__alerts = [];
  const Real = globalThis.Notification;
  if (Real !== undefined) {
    globalThis.Notification = class extends Real {
      constructor(title, options) {
        super(title, options);
        globalThis.__alerts.push({ kind: "notification", title, body: options?.body ?? "" });
      }
    };
  }
  const Context = globalThis.AudioContext;
  if (Context !== undefined) {
    const create = Context.prototype.createOscillator;
    Context.prototype.createOscillator = function () {
      globalThis.__alerts.push({ kind: "tone" });
      return create.call(this);
    };
  }
`;

/** What the page recorded with {@linkcode RECORD_ALERTS}. */
function recorded(page: Page): Promise<{ kind: string; title?: string; body?: string }[]> {
  return page.evaluate("globalThis.__alerts");
}

Deno.test("on localhost, Notify me asks for permission on a click, then notifies of mentions and private messages", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page, context } = fixture;
  await context.grantPermissions(["notifications"], { origin: new URL(server.webUrl).origin });
  await context.addInitScript(RECORD_ALERTS);
  await page.reload();
  await login(page, { nick: "ana", passkey: server.passkey });
  assertEquals(await page.evaluate("isSecureContext"), true);
  const toggle = page.getByRole("checkbox", { name: "Notify me" });
  assertEquals(await toggle.isChecked(), false, "notifications are on before being asked for");
  assert(await page.locator("#notify-note").isHidden());
  await toggle.check();
  await page.getByRole("checkbox", { name: "Sound" }).check();
  await joinRoom(page, "side");
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });

  await ben.send("nothing for ana");
  await ben.send("@ana see this");
  await ben.private("ana", "psst");
  await waitForPlace(page, { with: "ben" }, "ben, 1 unread");
  const deadline = Date.now() + BROWSER_TIMEOUT_MS;
  let notes = (await recorded(page)).filter((alert) => alert.kind === "notification");
  while (notes.length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    notes = (await recorded(page)).filter((alert) => alert.kind === "notification");
  }
  assertEquals(notes, [
    { kind: "notification", title: "ben in #lobby", body: "mentioned you" },
    { kind: "notification", title: "ben (private)", body: "psst" },
  ]);
  assert((await recorded(page)).some((alert) => alert.kind === "tone"), "no tone was played");

  // Remembered, as the sound is, after a reload; and a room can be told to say nothing.
  await page.reload();
  await waitForStatus(page, /^Connected$/);
  assertEquals(await page.getByRole("checkbox", { name: "Notify me" }).isChecked(), true);
  assertEquals(await page.getByRole("checkbox", { name: "Sound" }).isChecked(), true);
  assertEquals(await fixture.page.locator("#room-alerts").inputValue(), "mentions");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("at a plain http:// network address the page explains why it cannot notify", async () => {
  await using server = await startWebServer();
  // A name for 127.0.0.1 that is not localhost: the browser treats the page as on the network.
  const browser: Browser = await launchChromium({
    timeoutMs: BROWSER_TIMEOUT_MS,
    extraArgs: ["--host-resolver-rules=MAP chat-lan.test 127.0.0.1"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`http://chat-lan.test:${server.webPort}/`);
    await login(page, { nick: "ana", passkey: server.passkey });
    assertEquals(await page.evaluate("isSecureContext"), false);
    assert(
      await page.locator("#notify-field").isHidden(),
      "Notify me is offered where it cannot work",
    );
    const note = page.locator("#notify-note");
    await note.waitFor();
    assertMatch(await note.textContent() ?? "", /secure page.*HTTPS.*--tls.*localhost/);
    // The rest of the alerts still work.
    assert(await page.getByRole("checkbox", { name: "Sound" }).isVisible());
    assertEquals(errors, []);
  } finally {
    await browser.close();
  }
});
