/**
 * The chat page under axe-core: every line type the page shows (messages from history and
 * live, your own, private ones both ways, a mention with a link, an opened run of join and
 * leave notices, system lines, the list of /mentions, a shared file, timestamps, day and "New
 * messages" lines, the Jump to latest button) and the sidebar (unread and mention counts of
 * rooms and a private conversation, people, the alert settings), in both themes, at desktop and
 * phone width, with no violation of impact "serious" or "critical" (colour contrast among them).
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { TestClient } from "../e2e/_helpers.ts";
import { sendFile } from "../e2e/_files.ts";
import { launchBrowser, login, openPage, sendFromPage, startWebServer } from "./_browser.ts";
import { waitForShown } from "./_events.ts";
import { numbered, postAll } from "./_posting.ts";

/** Impacts that fail the test; "minor" and "moderate" are reported but allowed. */
const FAILING = new Set(["serious", "critical"]);

/** The widths the page is checked at. */
const VIEWPORTS = [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "phone", viewport: { width: 375, height: 740 } },
] as const;

/** One element that breaks an axe rule, as much as a failure message needs. */
interface Found {
  /** Width and theme. */
  where: string;
  id: string;
  impact: string;
  target: string;
  summary: string;
}

/** What the page functions below touch of the message list. */
interface ListBox {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  querySelector(selector: string): { dataset: Record<string, string | undefined> } | null;
}

/** Runs axe on the page as it is and returns what breaks a rule, labelled with `where`. */
async function axe(page: Page, where: string): Promise<Found[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.flatMap((violation) =>
    violation.nodes.map((node) => ({
      where,
      id: violation.id,
      impact: violation.impact ?? "unknown",
      target: node.target.join(" "),
      summary: node.failureSummary?.split("\n").slice(0, 2).join(" ") ?? "",
    }))
  );
}

/**
 * Runs axe on every screenful of the message list, top to bottom: axe judges the contrast of
 * what is in view only (the rest is "incomplete", hidden by the scrolling box).
 */
async function sweep(page: Page, where: string): Promise<Found[]> {
  const list = page.locator("#messages");
  // At the top the rest of the history loads; the sweep starts once nothing earlier is left.
  while (
    await list.evaluate((element) =>
      (element as unknown as ListBox).querySelector(".history-top")?.dataset.state !== "done"
    )
  ) {
    await list.evaluate((element) => (element as unknown as ListBox).scrollTop = 0);
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as { document: ListBox };
      return document.querySelector("#messages .history-top")?.dataset.state !== "loading";
    });
  }
  await list.evaluate((element) => (element as unknown as ListBox).scrollTop = 0);
  const found: Found[] = [];
  for (;;) {
    found.push(...await axe(page, where));
    const moved = await list.evaluate((element) => {
      const box = element as unknown as ListBox;
      const before = box.scrollTop;
      box.scrollTop += Math.floor(box.clientHeight * 0.8);
      return box.scrollTop !== before;
    });
    if (!moved) return found;
  }
}

/** Each element once (it may be in view on two screens), counted by impact. */
function byImpact(found: readonly Found[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { impact } of unique(found)) counts[impact] = (counts[impact] ?? 0) + 1;
  return counts;
}

function unique(found: readonly Found[]): Found[] {
  const seen = new Map<string, Found>();
  for (const f of found) seen.set(`${f.where} ${f.id} ${f.target}`, f);
  return [...seen.values()];
}

Deno.test("the chat page has no serious or critical axe violations, light and dark, desktop and phone", async () => {
  await using server = await startWebServer({ extraArgs: ["--rate", "5000", "--burst", "5000"] });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  // History: enough to scroll, a mention with a link, a shared file. (Pages of history leave
  // joins and leaves out; those come live, below.)
  await postAll(ben, numbered(60, "earlier"));
  await ben.send("@ana the notes are at https://example.org/notes?page=2 — have a look");
  const { id: fileId } = await sendFile(server, ["-", "--name", "notes.txt"], {
    input: new TextEncoder().encode("notes"),
  });

  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await waitForShown(page, { type: "file", id: fileId, history: true });
  // Away and back: a "New messages" line.
  await sendFromPage(page, "/join side");
  await page.locator("#room-name", { hasText: /^side$/ }).waitFor();
  await ben.send("said while ana was away");
  await sendFromPage(page, "/join lobby");
  await page.locator("#messages .separator.new").waitFor();
  // Live joins and leaves, folded into one line.
  const carl = await TestClient.join(server.port, { nick: "carl", passkey: server.passkey });
  await carl.close();
  await page.locator("#messages details.notices").first().waitFor();
  // Live: one's own line, another's, private messages both ways.
  await sendFromPage(page, "my own line");
  await waitForShown(page, { type: "message", text: "my own line", history: false });
  await ben.send("a live line");
  await waitForShown(page, { type: "message", text: "a live line", history: false });
  await sendFromPage(page, "/msg ben only for ben");
  await ben.private("ana", "only for ana");
  await waitForShown(page, { type: "private", from: "ben", text: "only for ana" });
  await waitForShown(page, { type: "private", text: "only for ben" });
  await page.locator("#messages details.notices > summary").first().click();
  // The sidebar's counts: a room with unread messages and a mention, a private conversation.
  await using dan = await TestClient.join(server.port, {
    nick: "dan",
    passkey: server.passkey,
    room: "side",
  });
  await dan.send("in side, for whoever reads");
  await dan.send("@ana this one is for you");
  await page.locator('#rooms li[data-room="side"] .badge.mentions:not([hidden])').waitFor();
  await page.locator('#conversations li[data-with="ben"] .badge.unread:not([hidden])').waitFor();
  await sendFromPage(page, "/mentions");
  await page.locator("#messages .mention-list li").first().waitFor();

  const found: Found[] = [];
  for (const { name, viewport } of VIEWPORTS) {
    await page.setViewportSize(viewport);
    for (const theme of ["light", "dark"] as const) {
      const where = `${name} ${theme}`;
      // No theme chosen with the toggle: the page follows the system's.
      await page.emulateMedia({ colorScheme: theme });
      await page.locator(`html[data-theme="${theme}"]`).waitFor({ state: "attached" });
      // Scrolled up as something arrives: the Jump to latest button.
      await page.locator("#messages").evaluate((element) => {
        const box = element as unknown as ListBox;
        box.scrollTop = (box.scrollHeight - box.clientHeight) / 2;
      });
      await ben.send(`while ana reads back, ${where}`);
      await page.locator("#jump-latest").waitFor({ state: "visible" });
      found.push(...await axe(page, where), ...await sweep(page, where));
      if (name === "phone") {
        // On a phone the sidebar folds away behind its button.
        await page.locator("#sidebar-toggle").click();
        await page.locator("#sidebar").waitFor({ state: "visible" });
        found.push(...await axe(page, `${where} sidebar`));
        await page.locator("#sidebar-toggle").click();
        await page.locator("#sidebar").waitFor({ state: "hidden" });
      }
    }
  }
  assertEquals(fixture.pageErrors, [], fixture.describe());
  const failing = unique(found).filter(({ impact }) => FAILING.has(impact));
  assertEquals(
    failing,
    [],
    `axe violations by impact (elements): ${JSON.stringify(byImpact(found))}\n` +
      unique(found).map((f) => `  ${f.where}: ${f.impact} ${f.id} ${f.target} — ${f.summary}`)
        .join("\n"),
  );
});
