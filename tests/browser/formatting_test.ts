/**
 * Formatting and emoji in the web client: Markdown from another client shows as elements, an
 * emoji-only line larger, `:shortcodes:` typed or picked become emoji; a hostile corpus stays
 * inert (no other element, no script, no `javascript:` or `data:` address) and fast.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import type { Page } from "playwright-core";
import { TestClient } from "../e2e/_helpers.ts";
import { launchBrowser, login, openPage, sendFromPage, startWebServer } from "./_browser.ts";
import { eventById, type PageElement, waitForShown } from "./_events.ts";
import { postAll } from "./_posting.ts";

/** What a rendered message's text may contain. */
const ALLOWED = new Set([
  "A",
  "BLOCKQUOTE",
  "BR",
  "CODE",
  "EM",
  "LI",
  "MARK",
  "OL",
  "P",
  "PRE",
  "S",
  "SPAN",
  "STRONG",
  "UL",
]);

/** An element inside the page, as these tests read it. */
interface Shown extends PageElement {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<Shown>;
}

/** What these tests use of the page's `globalThis`. */
interface Dom {
  document: {
    activeElement: unknown;
    querySelectorAll(selector: string): Iterable<Shown>;
  };
  getComputedStyle(element: unknown): { fontSize: string };
}

/** Whether `element` has the focus. */
function focused(element: unknown): boolean {
  return element === (globalThis as unknown as Dom).document.activeElement;
}

/** The tag names of everything inside the text of event `id`. */
function tagsIn(page: Page, id: number): Promise<string[]> {
  return eventById(page, id).locator(".text").evaluate((text) =>
    [...(text as unknown as Shown).querySelectorAll("*")].map((element) => element.tagName)
  );
}

Deno.test("Markdown from a terminal client shows as elements, and links open safely", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });

  const text = [
    "**bold** *em* ~~gone~~ `code` [docs](https://example.org/d) @ana",
    "> quoted",
    "- one",
    "- two",
    "```",
    "<b>verbatim</b>",
    "```",
  ].join("\n");
  const id = Number((await ben.send(text)).id);
  await waitForShown(page, { id });
  const row = eventById(page, id);
  const expected: [string, string][] = [
    ["strong", "bold"],
    ["em", "em"],
    ["s", "gone"],
    ["p code", "code"],
    ["blockquote", "quoted"],
    ["ul li:nth-child(2)", "two"],
    ["pre code", "<b>verbatim</b>"],
    ["mark.mention.you", "@ana"],
  ];
  for (const [selector, content] of expected) {
    assertEquals(await row.locator(`.text ${selector}`).textContent(), content, selector);
  }
  const link = row.locator(".text a");
  assertEquals(await link.getAttribute("href"), "https://example.org/d");
  assertEquals(await link.getAttribute("target"), "_blank");
  assertEquals(await link.getAttribute("rel"), "noopener noreferrer");
  assertEquals(await row.locator(".text b").count(), 0, "the code block's <b> is text");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("emoji: an emoji-only line is larger, :shortcodes: typed, suggested and picked are sent as emoji", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });

  const [party, words] = await postAll(ben, ["🎉 🎉", "words 🎉"]);
  await waitForShown(page, { id: words });
  const size = (id: number) =>
    eventById(page, id).locator(".text").evaluate((text) =>
      parseFloat((globalThis as unknown as Dom).getComputedStyle(text).fontSize)
    );
  assertEquals(await eventById(page, party).locator(".text.emoji-only").count(), 1);
  assertEquals(await eventById(page, words).locator(".text.emoji-only").count(), 0);
  assert(await size(party) >= 1.5 * await size(words), "the emoji-only line is not larger");

  // Typed whole: replaced before sending.
  await sendFromPage(page, "hi :smile: `:smile:`");
  await waitForShown(page, { from: "ana", text: "hi 😄 :smile:" });

  // Suggested: the list follows the typing; Enter chooses, the next Enter sends.
  const input = page.locator("#input");
  await input.fill("yay :tad");
  const options = page.locator("#emoji-suggestions [role=option]");
  await options.first().waitFor();
  assertEquals(await options.first().textContent(), "🎉 :tada:");
  assertEquals(await input.getAttribute("aria-activedescendant"), "emoji-suggestion-0");
  await input.press("Enter");
  assertEquals(await input.inputValue(), "yay 🎉");
  assert(await page.locator("#emoji-suggestions").isHidden());
  await input.press("Enter");
  await waitForShown(page, { from: "ana", text: "yay 🎉" });
  await input.fill("no :tad");
  await options.first().waitFor();
  await input.press("Escape");
  assert(await page.locator("#emoji-suggestions").isHidden());
  assertEquals(await input.inputValue(), "no :tad");
  await input.fill("");

  // Picked: the dialog opens on its search field, finds, inserts, closes; Escape closes too.
  const button = page.getByRole("button", { name: "Emoji", exact: true });
  const dialog = page.getByRole("dialog", { name: "Emoji picker" });
  await button.click();
  await dialog.waitFor();
  assertEquals(await button.getAttribute("aria-expanded"), "true");
  const search = dialog.getByRole("searchbox", { name: "Search emoji" });
  assert(await search.evaluate(focused));
  await search.fill("rocket");
  await dialog.getByRole("button", { name: "rocket", exact: true }).click();
  assert(await dialog.isHidden());
  assertEquals(await input.inputValue(), "🚀");
  await button.click();
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  assert(await dialog.isHidden());
  assert(await button.evaluate(focused));
  await input.press("Enter");
  await waitForShown(page, { from: "ana", text: "🚀" });
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a hostile Markdown corpus stays inert and renders fast", async () => {
  // A server whose operator allows long messages (--max-message-bytes): a 10,000-character line.
  await using server = await startWebServer({ maxMessageBytes: 65_536 });
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  // Any task of the page's that takes 50 ms or more is recorded.
  await page.evaluate(() => {
    const trap = globalThis as unknown as { longTasks: number[] };
    trap.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) trap.longTasks.push(entry.duration);
    }).observe({ type: "longtask" });
  });

  const corpus = [
    `<img src=x onerror="window.pwned=1;alert(1)">`,
    "<script>window.pwned=1;alert(1)</script>",
    `<a href="javascript:alert(1)">x</a> <iframe src="data:text/html,x"></iframe>`,
    "javascript:alert(1) [x](javascript:alert(1)) [y](JaVaScRiPt:alert(1))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) data:text/html,<b>x</b>",
    "[v](vbscript:msgbox(1)) [f](file:///etc/passwd) ![i](https://example.org/i.png)",
    "**_~~`x`~~_**  ***a**b*  **a *b** c*  ~~~  `` ` ``",
    "> ".repeat(1000) + "deep",
    "*a _b ".repeat(1000) + "x" + " c_ d*".repeat(1000),
    "x".repeat(10_000),
    "**_~~`[".repeat(1500),
    "[a](https://e.org/".repeat(600),
    "http://[".repeat(1250),
  ];
  const ids = await postAll(ben, corpus);
  await waitForShown(page, { id: ids.at(-1)! });

  for (const id of ids) {
    for (const tag of await tagsIn(page, id)) assert(ALLOWED.has(tag), `<${tag}> in event ${id}`);
  }
  const addresses = await page.evaluate(() =>
    [
      ...(globalThis as unknown as Dom).document.querySelectorAll(
        "[href], [src], [action], [formaction]",
      ),
    ].flatMap((element) =>
      ["href", "src", "action", "formaction"].map((name) => element.getAttribute(name) ?? "")
    ).filter((value) => /^\s*(javascript|data|vbscript|file):/i.test(value))
  );
  assertEquals(addresses, [], "a dangerous address in the document");
  assertEquals(await page.evaluate(() => "pwned" in globalThis), false, "a script ran");
  assertEquals(fixture.dialogs, [], "a dialog opened");
  assertEquals(fixture.pageErrors, [], fixture.describe());
  const texts = await page.$$eval(
    "#messages .event .text",
    (elements) => elements.map((element) => element.textContent ?? ""),
  );
  assert(texts.some((text) => text === "x".repeat(10_000)), "the long line is whole");

  // Rendering: each message arrives and is rendered in a task of its own, which the page's
  // Long Tasks observer times (performance.now() around it, for tasks of 50 ms and more): none
  // may take long, a generous bound for CI.
  const longTasks = await page.evaluate(() =>
    (globalThis as unknown as { longTasks: number[] }).longTasks
  );
  assert(longTasks.every((duration) => duration < 200), `long tasks: ${longTasks.join(", ")} ms`);
});
