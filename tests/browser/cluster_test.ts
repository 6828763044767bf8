/**
 * A page of a cluster (issue 17): when the node that served it goes away, it goes on through
 * another node its welcome named, and catches up on what was said meanwhile, once each.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { TestClient } from "../e2e/_helpers.ts";
import { startNats } from "../support/nats.ts";
import { launchBrowser, login, openPage, startWebServer, waitForStatus } from "./_browser.ts";
import { waitForShown } from "./_events.ts";

Deno.test("a page goes on through another node of the cluster when its own dies, and misses nothing", async () => {
  await using nats = await startNats();
  const passkey = "cluster-page-1";
  const cluster = ["--nats", nats.urls.join(",")];
  await using b = await startWebServer({ passkey, extraArgs: [...cluster, "--node-name", "b"] });
  await using a = await startWebServer({ passkey, extraArgs: [...cluster, "--node-name", "a"] });
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, a.webUrl);
  await login(fixture.page, { nick: "ana", passkey });
  await using ben = await TestClient.join(b.port, { nick: "ben", passkey });
  const before = await ben.send("while a is up");
  await waitForShown(fixture.page, { from: "ben", text: "while a is up" });

  await a.stop({ signal: "SIGKILL" });
  const during = await ben.send("while a is down");
  await waitForStatus(fixture.page, /connected/i);
  const shown = await waitForShown(fixture.page, { from: "ben", text: "while a is down" });
  assertEquals(shown.id, during.id);
  const after = await ben.send("through b now");
  await waitForShown(fixture.page, { from: "ben", text: "through b now" });
  // Each once, in order.
  const ids = await fixture.page.locator(".event[data-id]").evaluateAll((rows) =>
    rows.map((row) => Number((row as unknown as { dataset: { id: string } }).dataset.id))
  );
  for (const id of [before.id, during.id, after.id]) {
    assertEquals(ids.filter((seen) => seen === id).length, 1, `id ${id} in ${ids}`);
  }
  assertEquals(fixture.pageErrors, [], fixture.describe());
});
