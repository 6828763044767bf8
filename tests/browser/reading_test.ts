/**
 * Reading in the web client: links and mentions in what people write, earlier history loaded
 * by scrolling up without losing one's place, days set apart, where one left off, a way back to
 * the newest, and joins and leaves folded into one line.
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { join } from "@std/path";
import type { Page } from "playwright-core";
import { makeTempDir, TestClient } from "../e2e/_helpers.ts";
import { SqliteHistoryStore } from "../../src/store/sqlite_history_store.ts";
import {
  launchBrowser,
  login,
  openPage,
  sendFromPage,
  startWebServer,
  waitForStatus,
} from "./_browser.ts";
import {
  eventById,
  eventsMatching,
  type PageElement,
  shownEvents,
  waitForShown,
} from "./_events.ts";
import { numbered, postAll } from "./_posting.ts";

/** What these tests read of an element inside the page, besides {@linkcode PageElement}. */
interface Geometry extends PageElement {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  hidden: boolean;
  previousElementSibling: Geometry | null;
  getBoundingClientRect(): { top: number; bottom: number; right: number };
  querySelectorAll(selector: string): Iterable<Geometry>;
  matches(selector: string): boolean;
}

/** The page's `document`, as far as these tests use it. */
interface PageDocument {
  document: { querySelector(selector: string): Geometry | null };
}

/** The state of the line at the top of the history: more, loading or done. */
function topState(page: Page): Promise<string | undefined> {
  return page.locator("#messages .history-top").evaluate((element) =>
    (element as unknown as Geometry).dataset.state
  );
}

/** Where the row of event `id` is, in pixels below the top of the visible part of the list. */
function offsetInList(page: Page, id: number): Promise<number> {
  return page.evaluate((id) => {
    const { document } = globalThis as unknown as PageDocument;
    const list = document.querySelector("#messages")!;
    const row = document.querySelector(`#messages .event[data-id="${id}"]`)!;
    return row.getBoundingClientRect().top - list.getBoundingClientRect().top;
  }, id);
}

/** The list's scroll geometry. */
function scrollBox(page: Page): Promise<{ top: number; height: number; client: number }> {
  return page.locator("#messages").evaluate((element) => {
    const list = element as unknown as Geometry;
    return { top: list.scrollTop, height: list.scrollHeight, client: list.clientHeight };
  });
}

/** Asserts two positions in pixels are the same, give or take a pixel of rounding. */
function assertSamePlace(actual: number, expected: number, what: string): void {
  assert(Math.abs(actual - expected) <= 1, `${what}: ${actual} px, expected ${expected} px`);
}

Deno.test("web addresses in a message are links that open in a new tab without a referrer or opener", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page, context } = fixture;
  const requested: string[] = [];
  const host = new URL(server.webUrl).host;
  page.on("request", (request) => {
    if (new URL(request.url()).host !== host) requested.push(request.url());
  });
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });

  const text = "notes at https://example.org/wiki/Tor_(network)?a=1&b=2, mirror " +
    "http://127.0.0.1:9/x. Not javascript:alert(1), not <a href=x>this</a>.";
  const ack = await ben.send(text);
  const id = Number(ack.id);
  const shown = await waitForShown(page, { id });
  assertEquals(shown.text, text, "the text reads as it was written");
  const links = await eventById(page, id).locator("a").evaluateAll((anchors) =>
    anchors.map((anchor) => {
      const a = anchor as unknown as PageElement & { getAttribute(name: string): string | null };
      return ["href", "target", "rel"].map((name) => a.getAttribute(name)).concat(a.textContent);
    })
  );
  assertEquals(links, [
    [
      "https://example.org/wiki/Tor_(network)?a=1&b=2",
      "_blank",
      "noopener noreferrer",
      "https://example.org/wiki/Tor_(network)?a=1&b=2",
    ],
    ["http://127.0.0.1:9/x", "_blank", "noopener noreferrer", "http://127.0.0.1:9/x"],
  ]);
  assertEquals(requested, [], "the page fetched an address from a message by itself");

  // Clicked, it opens in a new tab that cannot reach back into the chat or learn where it was.
  await context.route(
    "https://example.org/**",
    (route) => route.fulfill({ contentType: "text/html", body: "<p>elsewhere</p>" }),
  );
  const [opened] = await Promise.all([
    context.waitForEvent("page"),
    eventById(page, id).locator("a").first().click(),
  ]);
  await opened.waitForLoadState();
  assertEquals(await opened.evaluate("[window.opener === null, document.referrer]"), [true, ""]);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a message that mentions you is marked with a bar and in words; other @s are not", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });

  const texts = ["@ana can you look?", "@anabel, not you", "mail me@ana.example", "thanks @Ana."];
  const ids = await postAll(ben, texts);
  await sendFromPage(page, "@ana talking to myself");
  const own = await waitForShown(page, { from: "ana", text: "@ana talking to myself" });
  const rows = [...ids, own.id!].map((id) => eventById(page, id));
  const read = (index: number) =>
    rows[index].evaluate((element) => {
      const row = element as unknown as Geometry;
      return {
        mentioned: row.matches(".mentioned"),
        marked: [...row.querySelectorAll("mark.mention")].map((mark) => mark.textContent),
        cue: row.querySelector(".visually-hidden")?.textContent ?? "",
        bar: (globalThis as unknown as {
          getComputedStyle(element: unknown): { boxShadow: string };
        }).getComputedStyle(row).boxShadow,
      };
    });
  const first = await read(0);
  assertEquals([first.mentioned, first.marked, first.cue], [true, ["@ana"], "(mentions you)"]);
  assertMatch(first.bar, /inset/, "the mentioned row has no bar");
  const last = await read(3);
  assertEquals([last.mentioned, last.marked], [true, ["@Ana"]]);
  for (const index of [1, 2, 4]) {
    const other = await read(index);
    assertEquals([other.mentioned, other.marked, other.cue], [false, [], ""], texts[index]);
  }
  assertEquals(await rows[1].locator("span.mention").textContent(), "@anabel");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("scrolling to the top loads all 500 earlier messages, once each, in order, and keeps the reader's place", async () => {
  await using server = await startWebServer({ extraArgs: ["--rate", "5000", "--burst", "5000"] });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  const texts = numbered(500);
  await postAll(ben, texts);
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await waitForShown(page, { text: "message 500" });

  let rounds = 0;
  while (await topState(page) !== "done") {
    assert(++rounds <= 20, `history was not exhausted after ${rounds - 1} pages`);
    // Scrolled to the top: the row seen there, and where, before the page above it arrives.
    const before = await page.evaluate(() => {
      const { document } = globalThis as unknown as PageDocument;
      const list = document.querySelector("#messages")!;
      list.scrollTop = 0;
      const row = document.querySelector("#messages .event[data-id]")!;
      return {
        id: Number(row.dataset.id),
        offset: row.getBoundingClientRect().top - list.getBoundingClientRect().top,
        rows: [...list.querySelectorAll(".event[data-id]")].length,
      };
    });
    await page.waitForFunction((rows) => {
      const { document } = globalThis as unknown as PageDocument;
      const state = document.querySelector("#messages .history-top")?.dataset.state;
      const now = [...document.querySelector("#messages")!.querySelectorAll(".event[data-id]")];
      return state !== "loading" && now.length > rows;
    }, before.rows);
    assertSamePlace(await offsetInList(page, before.id), before.offset, `row ${before.id}`);
  }
  assert(rounds >= 4, `500 messages came in ${rounds} pages`);

  const messages = await eventsMatching(page, { type: "message" });
  assertEquals(messages.map((event) => event.text), texts, "every message once, in order");
  const ids = (await shownEvents(page)).flatMap((event) => event.id ?? []);
  assertEquals(ids, [...new Set(ids)].sort((a, b) => a - b), "rows in id order, none twice");
  assertEquals(await page.locator("#messages .event[data-type=error]").count(), 0);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("/history puts earlier messages above without moving what the reader looks at", async () => {
  await using server = await startWebServer({
    history: 100,
    extraArgs: ["--rate", "5000", "--burst", "5000"],
  });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  const texts = numbered(200);
  const ids = await postAll(ben, texts);
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await waitForShown(page, { text: "message 200" });

  // The reader is halfway through, message 150 at the top: far from both ends.
  const watched = ids[149];
  await page.evaluate((id) => {
    const { document } = globalThis as unknown as PageDocument;
    const list = document.querySelector("#messages")!;
    const row = document.querySelector(`#messages .event[data-id="${id}"]`)!;
    list.scrollTop += row.getBoundingClientRect().top - list.getBoundingClientRect().top;
  }, watched);
  const box = await scrollBox(page);
  assert(box.top > box.client && box.height - box.top - box.client > 100, JSON.stringify(box));
  const place = await offsetInList(page, watched);

  await sendFromPage(page, "/history 30");
  await waitForShown(page, { type: "system", text: /^End of history \(30 earlier events/ });
  await waitForShown(page, { text: "message 071" });
  assertSamePlace(await offsetInList(page, watched), place, "message 150");
  const messages = await eventsMatching(page, { type: "message" });
  assertEquals(messages.map((event) => event.text), texts.slice(70));
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a line names each day: a date, Yesterday and Today, above that day's first row", async () => {
  await using dir = await makeTempDir();
  const dayMs = 24 * 60 * 60 * 1000;
  const now = Date.now();
  // Written before the server starts: it stamps what it is sent with the time it is now.
  const store = SqliteHistoryStore.open(join(dir.path, "chat.db"));
  const earlier = [{ text: "three days ago", ts: now - 3 * dayMs }, {
    text: "yesterday",
    ts: now - dayMs,
  }];
  for (const { text, ts } of earlier) {
    await store.append({ type: "message", room: "lobby", from: "ben", text, ts });
  }
  await store.close();
  await using server = await startWebServer({ dataDir: dir.path });
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await ben.send("today");
  await waitForShown(page, { text: "today", history: false });

  const lines = await page.locator("#messages .separator.day").allTextContents();
  assertEquals(lines.length, 3, `day lines: ${JSON.stringify(lines)}`);
  assertEquals(lines.slice(1), ["Yesterday", "Today"]);
  const date = await page.evaluate((ts) => new Date(ts).getDate(), now - 3 * dayMs);
  assertMatch(lines[0], new RegExp(`\\b${date}\\b`), "the oldest day is named by its date");
  // Each dated row sits under the line of its own day.
  const misplaced = await page.evaluate(() => {
    const { document } = globalThis as unknown as PageDocument;
    const found: string[] = [];
    let day: string | undefined;
    for (const item of document.querySelector("#messages")!.querySelectorAll("[data-day]")) {
      if (item.matches(".separator.day")) day = item.dataset.day;
      else if (item.matches(".event") && item.dataset.day !== day) found.push(item.textContent!);
    }
    return found;
  });
  assertEquals(misplaced, []);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("coming back to a room, after another room or a reload, opens a New messages line where you left off", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await ben.send("before ana came");
  await login(page, { nick: "ana", passkey: server.passkey });
  await waitForShown(page, { text: "before ana came" });
  assertEquals(await page.locator(".separator.new").count(), 0, "a first visit has no such line");
  const seen = await ben.send("seen by ana");
  await waitForShown(page, { id: Number(seen.id) });

  const newLineBefore = (id: number) =>
    eventById(page, id).evaluate((element) => {
      const previous = (element as unknown as Geometry).previousElementSibling;
      return previous?.matches(".separator.new") ?? false;
    });
  const enter = async (room: string) => {
    await sendFromPage(page, `/join ${room}`);
    await page.locator("#room-name", { hasText: new RegExp(`^${room}$`) }).waitFor();
  };
  await enter("side");
  const missed = await postAll(ben, ["missed one", "missed two"]);
  await enter("lobby");
  await waitForShown(page, { id: missed[1] });
  assert(await newLineBefore(missed[0]), "no New messages line right above the first missed one");
  assertEquals(await page.locator(".separator.new").count(), 1);

  // Nothing new since: no line.
  await enter("side");
  await enter("lobby");
  await waitForShown(page, { id: missed[1] });
  assertEquals(await page.locator(".separator.new").count(), 0, "a line with nothing new");

  // Away from the page, then back in by itself: the line is where the reload left off.
  await page.goto("about:blank");
  const away = await ben.send("said while the page was closed");
  await page.goto(server.webUrl);
  await waitForStatus(page, /^Connected$/);
  await waitForShown(page, { id: Number(away.id) });
  assert(await newLineBefore(Number(away.id)), "no New messages line after the reload");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("scrolled up, new messages show a Jump to latest button that counts them and goes there", async () => {
  await using server = await startWebServer({ extraArgs: ["--rate", "5000", "--burst", "5000"] });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  await postAll(ben, numbered(60));
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await waitForShown(page, { text: "message 060" });
  const jump = page.locator("#jump-latest");
  assert(await jump.isHidden(), "the button shows while the reader is at the newest");

  // At the newest, a new message scrolls into view and the button stays away.
  const first = await ben.send("while at the bottom");
  await waitForShown(page, { id: Number(first.id) });
  assert(await jump.isHidden(), "the button shows after a message the reader saw arrive");

  await page.locator("#messages").evaluate((element) => {
    const list = element as unknown as Geometry;
    list.scrollTop = (list.scrollHeight - list.clientHeight) / 2;
  });
  await postAll(ben, ["below one", "below two"]);
  await jump.waitFor({ state: "visible" });
  assertEquals(await jump.textContent(), "2 new messages ↓");
  assertEquals(await jump.getAttribute("aria-label"), "Jump to latest: 2 new messages");
  const box = await scrollBox(page);
  assert(box.height - box.top - box.client > 80, "the list followed the new messages down");

  await jump.click();
  await jump.waitFor({ state: "hidden" });
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as PageDocument;
    const list = document.querySelector("#messages")!;
    return list.scrollHeight - list.scrollTop - list.clientHeight <= 1;
  });
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a run of joins and leaves reads as one line that opens to show each", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  const clients: TestClient[] = [];
  try {
    for (const nick of ["ben", "cy", "dan", "eve", "fay"]) {
      clients.push(await TestClient.join(server.port, { nick, passkey: server.passkey }));
    }
    await clients[1].close();
    const summary = page.locator("#messages details.notices > summary");
    await summary.filter({ hasText: "ben, dan and 2 others joined, cy joined and left" }).waitFor();
    assertEquals(await page.locator("#messages details.notices").count(), 1, "one line");
    const notices = page.locator("#messages details.notices .event[data-type=notice]");
    assertEquals(await notices.count(), 6);
    assert(await notices.first().isHidden(), "each notice shows before the line is opened");

    await summary.click();
    for (let i = 0; i < 6; i++) await notices.nth(i).waitFor({ state: "visible" });
    const each = await eventsMatching(page, { type: "notice", history: false });
    assertEquals(each.map((event) => event.text), [
      "ben joined lobby",
      "cy joined lobby",
      "dan joined lobby",
      "eve joined lobby",
      "fay joined lobby",
      "cy left lobby",
    ]);
  } finally {
    for (const client of clients) await client.close();
  }
  assertEquals(fixture.pageErrors, [], fixture.describe());
});
