/**
 * Reading in the web client: links and mentions in what people write.
 *
 * @module
 */
import { assertEquals, assertMatch } from "@std/assert";
import { TestClient } from "../e2e/_helpers.ts";
import { launchBrowser, login, openPage, sendFromPage, startWebServer } from "./_browser.ts";
import { eventById, type PageElement, waitForShown } from "./_events.ts";
import { postAll } from "./_posting.ts";

/** What these tests read of an element inside the page, besides {@linkcode PageElement}. */
interface Geometry extends PageElement {
  querySelectorAll(selector: string): Iterable<Geometry>;
  matches(selector: string): boolean;
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
