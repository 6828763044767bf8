import { assert, assertEquals, assertMatch } from "@std/assert";
import { Buffer } from "node:buffer";
import { join } from "@std/path";
import type { Page } from "playwright-core";
import { makeTempDir, spawnJoin, TestClient, unusedPort } from "../e2e/_helpers.ts";
import { randomBytes, runFileCli, sendFile } from "../e2e/_files.ts";
import { restart } from "../e2e/_faults.ts";
import {
  launchBrowser,
  login,
  openPage,
  sendFromPage,
  startWebServer,
  submitLogin,
  waitForStatus,
} from "./_browser.ts";
import {
  eventById,
  eventsMatching,
  horizontalOverflow,
  type PageGlobals,
  waitForShown,
} from "./_events.ts";
import { gradientPng } from "./_png.ts";

/**
 * Drops a text file on the page's body the way a browser does: dragenter, dragover and drop
 * events carrying a DataTransfer with the file.
 */
async function dropFile(page: Page, file: { name: string; text: string }): Promise<void> {
  const transfer = await page.evaluateHandle(({ name, text }) => {
    const { DataTransfer, File } = globalThis as unknown as DropGlobals;
    const data = new DataTransfer();
    data.items.add(new File([text], name, { type: "text/plain" }));
    return data;
  }, file);
  for (const type of ["dragenter", "dragover", "drop"]) {
    await page.locator("body").dispatchEvent(type, { dataTransfer: transfer });
  }
  await transfer.dispose();
}

/** The constructors `dropFile` uses inside the page. */
interface DropGlobals {
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: string[], name: string, options: { type: string }) => unknown;
}

/** The scroll geometry of an element in the page. */
interface ScrollBox {
  scrollHeight: number;
  scrollTop: number;
  clientHeight: number;
}

/** What the preview test reads of an `img` in the page. */
interface LoadedImage {
  complete: boolean;
  naturalWidth: number;
}

Deno.test("the web client refuses a wrong passkey or a taken nick with a message, then logs in", async () => {
  await using server = await startWebServer();
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;

  await submitLogin(page, { nick: "ana", passkey: "not-the-passkey" });
  await page.locator("#login-error", { hasText: /\S/ }).waitFor();
  assertMatch(await page.locator("#login-error").textContent() ?? "", /passkey/i);
  assert(await page.locator("#chat-page").isHidden(), "the chat page shows after a wrong passkey");

  await submitLogin(page, { nick: "BEN", passkey: server.passkey });
  await page.locator("#login-error", { hasText: /nick|taken|use/i }).waitFor();
  assert(await page.locator("#chat-page").isHidden(), "the chat page shows with a taken nick");

  await login(page, { nick: "ana", passkey: server.passkey });
  assert(await page.locator("#login").isHidden(), "the login form still shows");
  assertEquals((await page.locator("#room-name").textContent())?.trim(), "lobby");
  await page.locator('#users li[data-nick="ana"]').waitFor();
  await page.locator('#users li[data-nick="ben"]').waitFor();
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert(!stored.includes(server.passkey), `localStorage keeps the passkey: ${stored}`);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a browser user and a terminal user exchange messages, each shown once", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();
  await page.locator('#users li[data-nick="ben"]').waitFor();

  const since = ben.mark();
  await sendFromPage(page, "hello from the browser");
  const heard = await ben.waitFor((e) => e.type === "message" && e.from === "ana", {
    since,
    what: "ana's message",
    timeoutMs: 10_000,
  });
  assertEquals(heard.text, "hello from the browser");
  assertEquals(await page.locator("#input").inputValue(), "", "Enter left the text in the box");

  await ben.write("hello from the terminal");
  await waitForShown(page, { type: "message", from: "ben", text: "hello from the terminal" });
  // ben answered after receiving ana's message, so its echo to ana arrived before the answer.
  const own = await eventsMatching(page, { type: "message", text: "hello from the browser" });
  assertEquals(own.length, 1, `ana's own message is not shown once: ${JSON.stringify(own)}`);
  assertEquals(own[0].from, "ana");
  assertEquals(own[0].id, heard.id);
  assertEquals(await page.locator("#outbox li").count(), 0, "a sent message stays in the outbox");
  assertEquals(ben.events.filter((e) => e.text === "hello from the browser").length, 1);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("private messages and actions travel between the browser and the terminal", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();

  const since = ben.mark();
  await sendFromPage(page, "/msg ben only for you");
  await sendFromPage(page, "/me waves");
  await ben.waitFor((e) => e.type === "action" && e.from === "ana" && e.text === "waves", {
    since,
    what: "ana's action",
  });
  const secret = ben.events.slice(since).find((e) => e.type === "private");
  assertEquals([secret?.from, secret?.to, secret?.text], ["ana", "ben", "only for you"]);
  await waitForShown(page, { type: "private", text: "only for you" });
  await waitForShown(page, { type: "action", from: "ana", text: "waves" });

  await ben.write("/msg ana psst");
  await ben.write("/me nods");
  await waitForShown(page, { type: "private", from: "ben", text: "psst" });
  await waitForShown(page, { type: "action", from: "ben", text: "nods" });
  assertEquals((await eventsMatching(page, { text: "waves" })).length, 1);
  assertEquals((await eventsMatching(page, { text: "only for you" })).length, 1);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("the room's history appears on login, marked as history, before live messages", async () => {
  await using server = await startWebServer();
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();
  for (const text of ["first earlier message", "second earlier message"]) {
    const since = ben.mark();
    await ben.write(text);
    await ben.waitFor((e) => e.type === "message" && e.text === text, { since });
  }
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });

  await waitForShown(page, { type: "message", text: "second earlier message", history: true });
  await ben.write("a live message");
  await waitForShown(page, { type: "message", text: "a live message", history: false });
  const messages = await eventsMatching(page, { type: "message" });
  assertEquals(
    messages.map(({ from, text, history }) => ({ from, text, history })),
    [
      { from: "ben", text: "first earlier message", history: true },
      { from: "ben", text: "second earlier message", history: true },
      { from: "ben", text: "a live message", history: false },
    ],
  );
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a file shared from the browser downloads intact with chat get, and the reverse", async () => {
  await using server = await startWebServer();
  await using dir = await makeTempDir();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });

  const uploaded = randomBytes(300 * 1024);
  await page.locator("#file-input").setInputFiles({
    name: "random.bin",
    mimeType: "application/octet-stream",
    buffer: Buffer.from(uploaded),
  });
  const shared = await waitForShown(page, { type: "file", from: "ana", text: /random\.bin/ });
  assert(shared.id !== undefined, `the shared file has no data-id: ${JSON.stringify(shared)}`);
  await page.locator("#transfers .transfer").waitFor({ state: "detached" });
  const out = join(dir.path, "fetched.bin");
  const get = await runFileCli(["get", server.address, String(shared.id), "-o", out], {
    passkey: server.passkey,
  });
  assertEquals(get.code, 0, get.describe);
  assertEquals(await Deno.readFile(out), uploaded, "chat get fetched other bytes");

  const pair = [randomBytes(70_000), randomBytes(90_000)];
  await page.locator("#file-input").setInputFiles([
    { name: "one.bin", mimeType: "application/octet-stream", buffer: Buffer.from(pair[0]) },
    { name: "two.bin", mimeType: "application/octet-stream", buffer: Buffer.from(pair[1]) },
  ]);
  await dropFile(page, { name: "dropped.txt", text: "dropped on the page\n" });
  const expected = [
    { name: "one.bin", bytes: pair[0] },
    { name: "two.bin", bytes: pair[1] },
    { name: "dropped.txt", bytes: new TextEncoder().encode("dropped on the page\n") },
  ];
  for (const { name, bytes } of expected) {
    const event = await waitForShown(page, { type: "file", from: "ana", text: new RegExp(name) });
    const fetched = await runFileCli(["get", server.address, String(event.id), "-o", "-"], {
      passkey: server.passkey,
      binaryStdout: true,
    });
    assertEquals(fetched.code, 0, fetched.describe);
    assertEquals(fetched.stdoutBytes, bytes, `${name} arrived changed`);
  }

  const sent = randomBytes(300 * 1024 + 17);
  const path = join(dir.path, "from-terminal.bin");
  await Deno.writeFile(path, sent);
  const { id } = await sendFile(server, [path]);
  await waitForShown(page, { type: "file", id, download: true });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    eventById(page, id).locator("a.download").click(),
  ]);
  assertEquals(download.suggestedFilename(), "from-terminal.bin");
  assertEquals(await Deno.readFile(await download.path()), sent, "the browser saved other bytes");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("an image shared from the terminal shows as a preview in the browser", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });

  const { id } = await sendFile(server, ["-", "--name", "gradient.png"], {
    input: gradientPng(8, 8),
  });
  const preview = eventById(page, id).locator("img.preview");
  await preview.waitFor();
  await page.waitForFunction((selector) => {
    const { document } = globalThis as unknown as PageGlobals;
    const image = document.querySelector(selector) as unknown as LoadedImage | null;
    return image !== null && image.complete && image.naturalWidth > 0;
  }, `#messages .event[data-id="${id}"] img.preview`);
  assertEquals(
    await preview.evaluate((image) => (image as unknown as LoadedImage).naturalWidth),
    8,
  );
  assertMatch(await preview.getAttribute("src") ?? "", /^blob:/);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("the newest message stays in view after image previews in the history load", async () => {
  await using server = await startWebServer();
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();
  await sendFile(server, ["-", "--name", "photo.png"], { input: gradientPng(320, 200) });
  for (const text of ["one", "two", "three", "the newest message"]) {
    const since = ben.mark();
    await ben.write(text);
    await ben.waitFor((e) => e.type === "message" && e.text === text, { since });
  }
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl, {
    viewport: { width: 375, height: 667 },
  });
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await waitForShown(page, { text: "the newest message", history: true });
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const image = document.querySelector("#messages img.preview") as unknown as LoadedImage | null;
    return image !== null && image.complete && image.naturalWidth > 0;
  });
  // Bounded: the list gets a moment to follow the image's height.
  await page.waitForFunction(
    () => {
      const { document } = globalThis as unknown as PageGlobals;
      const list = document.querySelector("#messages") as unknown as ScrollBox;
      return list.scrollHeight - list.scrollTop - list.clientHeight <= 2;
    },
    undefined,
    { timeout: 2_000 },
  ).catch(async () => {
    const where = await page.locator("#messages").evaluate((element) => {
      const list = element as unknown as ScrollBox;
      return `scrollHeight ${list.scrollHeight}, scrollTop ${list.scrollTop}, ` +
        `clientHeight ${list.clientHeight}`;
    });
    throw new Error(
      `#messages is not scrolled to the newest message after the preview loaded: ${where}`,
    );
  });
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("HTML in a message or a file name is shown as text and never runs", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  const strayRequests: string[] = [];
  page.on("request", (request) => {
    // The page's own files; Chromium asks for the icon whenever it gets to it.
    const own = /\/(ws|app\.js|app\.css|sha256\.js|icon\.svg|manifest\.webmanifest|sw\.js)?$/;
    if (!own.test(new URL(request.url()).pathname)) {
      strayRequests.push(request.url());
    }
  });
  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();

  const payload = "<img src=x onerror=alert(1)>";
  await ben.write(payload);
  const { id } = await sendFile(server, ["-", "--name", "<img src=y onerror=alert(2)>.txt"], {
    input: new TextEncoder().encode("harmless"),
  });
  await waitForShown(page, { type: "file", id });
  const shown = await waitForShown(page, { type: "message", from: "ben", text: payload });
  assertEquals(await eventById(page, shown.id!).locator("span.text").textContent(), payload);
  // The server may make the name safe (`<` → `_`); either way it is text.
  assertMatch(
    await eventById(page, id).locator("span.text").textContent() ?? "",
    /img src=y onerror=alert\(2\).?\.txt/,
  );
  assertEquals(await page.locator("#messages img").count(), 0, "an img element was created");
  // Give an injected handler time to fire before concluding none did.
  await page.waitForTimeout(300);
  assertEquals(fixture.dialogs, [], "the page opened a dialog");
  assertEquals(strayRequests, [], "the page requested an injected address");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("a 375 px wide phone screen never scrolls sideways, on the login and chat pages", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl, {
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const { page } = fixture;
  const noOverflow = async (where: string) => {
    const { scrollWidth, clientWidth, widest } = await horizontalOverflow(page);
    assert(
      scrollWidth <= clientWidth,
      `${where} is ${scrollWidth} px wide in a ${clientWidth} px window; sticking out: ${widest}`,
    );
  };
  await noOverflow("the login page");
  await submitLogin(page, { nick: "ana", passkey: "wrong" });
  await page.locator("#login-error", { hasText: /\S/ }).waitFor();
  await noOverflow("the login page with an error");

  await login(page, { nick: "ana", passkey: server.passkey });
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], {
    passkey: server.passkey,
  });
  await ben.ready();
  const longWord = "x".repeat(300);
  await ben.write(longWord);
  await ben.write(`see http://127.0.0.1/${"very-long-path/".repeat(20)}`);
  const { id } = await sendFile(server, ["-", "--name", `${"long_file_name_".repeat(12)}.bin`], {
    input: randomBytes(1000),
  });
  await waitForShown(page, { type: "message", text: longWord });
  await waitForShown(page, { type: "file", id });
  await noOverflow("the chat page");
  const toggle = page.locator("#sidebar-toggle");
  assert(await toggle.isVisible(), "#sidebar-toggle is hidden on a narrow screen");
  await toggle.click();
  await page.locator('#users li[data-nick="ben"]').waitFor({ state: "visible" });
  await noOverflow("the chat page with the sidebar open");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("the theme toggle switches light and dark and is remembered after a reload", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl, { colorScheme: "light" });
  const { page } = fixture;
  const theme = () => page.locator("html").getAttribute("data-theme");
  assertEquals(await theme(), "light", "a light system theme does not start light");
  await login(page, { nick: "ana", passkey: server.passkey });

  await page.locator("#theme-toggle").click();
  assertEquals(await theme(), "dark");
  await page.reload();
  assertEquals(await theme(), "dark", "the dark theme was forgotten after a reload");
  // The browser kept its device: it is back in without typing anything.
  await page.locator("#chat-page").waitFor({ state: "visible" });
  await page.locator("#theme-toggle").click();
  assertEquals(await theme(), "light");
  await page.reload();
  assertEquals(await theme(), "light", "the light theme was forgotten after a reload");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("the web client reconnects after a server restart and sends a message once", async () => {
  await using dir = await makeTempDir();
  const ports = { port: unusedPort(), webPort: unusedPort() };
  const options = {
    port: ports.port,
    dataDir: dir.path,
    extraArgs: ["--web-port", String(ports.webPort)],
  };
  const first = await startWebServer(options);
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, first.webUrl);
  const { page } = fixture;
  try {
    await login(page, { nick: "ana", passkey: first.passkey });
    await sendFromPage(page, "before the restart");
    await waitForShown(page, { type: "message", text: "before the restart", from: "ana" });
  } finally {
    await first.stop();
  }
  await waitForStatus(page, /Reconnecting/);
  await sendFromPage(page, "typed while offline");
  await page.locator("#outbox li", { hasText: "typed while offline" }).waitFor();
  await using second = await restart({ ...options, passkey: first.passkey });
  await waitForStatus(page, /^Connected$/);
  await waitForShown(page, { type: "message", text: "typed while offline", from: "ana" });
  await page.locator("#outbox li").first().waitFor({ state: "detached" });

  await using ben = spawnJoin([second.address, "--nick", "ben", "--json"], {
    passkey: second.passkey,
  });
  await ben.ready();
  const since = ben.mark();
  await sendFromPage(page, "after the restart");
  await ben.waitFor((e) => e.type === "message" && e.text === "after the restart", {
    since,
    timeoutMs: 10_000,
  });
  await ben.write("welcome back");
  await waitForShown(page, { type: "message", from: "ben", text: "welcome back" });
  for (const text of ["before the restart", "typed while offline", "after the restart"]) {
    assertEquals((await eventsMatching(page, { text })).length, 1, `"${text}" not shown once`);
    const heard = ben.events.filter((e) => e.type === "message" && e.text === text);
    assertEquals(heard.length, 1, `ben got "${text}" ${heard.length} times`);
  }
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("an invite link lets a fresh browser in with only a nick, a reload keeps it in, a new passkey signs it out", async () => {
  await using dir = await makeTempDir();
  const ports = { port: unusedPort(), webPort: unusedPort() };
  const options = {
    port: ports.port,
    dataDir: dir.path,
    extraArgs: ["--web-port", String(ports.webPort)],
  };
  const first = await startWebServer(options);
  const link = first.stdout.lines.map((line) => line.trim()).find((line) => /#invite=/.test(line));
  if (link === undefined) throw new Error(`no invite link printed:\n${first.process.describe()}`);
  assertMatch(link, new RegExp(`^http://127\\.0\\.0\\.1:${ports.webPort}/#invite=[0-9a-z]+&chat=`));
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, link);
  const { page } = fixture;
  try {
    assertEquals(await page.locator("#passkey").isVisible(), false, "no passkey is asked for");
    assertEquals(new URL(page.url()).hash, "", "the invite is taken out of the address bar");
    await page.fill("#nick", "guest");
    await page.click("#login-button");
    await page.locator("#chat-page").waitFor({ state: "visible" });
    await waitForStatus(page, /^Connected$/);
    const stored = await page.evaluate(() => Object.keys(localStorage).sort());
    assertEquals(stored.includes("chat-device"), true, `stored: ${stored}`);
    assert(
      !(await page.evaluate(() => JSON.stringify(localStorage))).includes(first.passkey),
      "the passkey is never stored",
    );

    await page.reload();
    await page.locator("#chat-page").waitFor({ state: "visible" });
    await waitForStatus(page, /^Connected$/);
    await sendFromPage(page, "back after a reload");
    await waitForShown(page, { type: "message", text: "back after a reload", from: "guest" });
  } finally {
    await first.stop();
  }
  await using second = await restart({
    ...options,
    passkey: null,
    extraArgs: [...options.extraArgs, "--new-passkey"],
  });
  assert(second.passkey !== first.passkey, "a new passkey");
  await page.locator("#login-page").waitFor({ state: "visible", timeout: 20_000 });
  await page.locator("#passkey").waitFor({ state: "visible" });
  assertMatch(await page.locator("#login-error").textContent() ?? "", /no longer signed in/);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("an upload shows its percentage and a Cancel button that stops it, and nothing is shared", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  await login(page, { nick: "ana", passkey: server.passkey });
  await using dir = await makeTempDir();
  const path = join(dir.path, "large.bin");
  await Deno.writeFile(path, randomBytes(48 * 1024 * 1024));
  await page.locator("#file-input").setInputFiles(path);
  const row = page.locator("#transfers .transfer", { hasText: "large.bin" });
  await row.locator(".percent").waitFor();
  assertMatch(await row.locator(".percent").textContent() ?? "", /^\d+ %$/);
  await row.getByRole("button", { name: "Cancel large.bin" }).click();
  await row.waitFor({ state: "detached" });
  await page.locator("#messages .event[data-type=error]", { hasText: /cancelled/ }).waitFor();
  await using ben = await TestClient.join(server.port, { nick: "ben", passkey: server.passkey });
  const files = await ben.request({ type: "files", rid: ben.rid() });
  assertEquals(files.files, [], "a cancelled upload is never shared");
  assertEquals(fixture.pageErrors, [], fixture.describe());
});

Deno.test("the page can be installed: a manifest with an icon, and a service worker on localhost", async () => {
  await using server = await startWebServer();
  await using chrome = await launchBrowser();
  await using fixture = await openPage(chrome.browser, server.webUrl);
  const { page } = fixture;
  const manifestPath = await page.locator("link[rel=manifest]").getAttribute("href");
  assertEquals(manifestPath, "/manifest.webmanifest");
  const manifest = await (await fetch(new URL(manifestPath!, server.webUrl))).json();
  assertEquals([manifest.name, manifest.start_url, manifest.display], ["chat", "/", "standalone"]);
  for (const icon of manifest.icons) {
    const response = await fetch(new URL(icon.src, server.webUrl));
    assertEquals([response.status, response.headers.get("content-type")], [200, icon.type]);
    await response.body?.cancel();
  }
  // localhost is a secure context: the worker registers and takes the page's files.
  // Evaluated in the page, where navigator has the DOM's serviceWorker (this file sees Deno's).
  const scope = await page.evaluate(
    "navigator.serviceWorker.ready.then((registration) => registration.scope)",
  );
  assertEquals(scope, server.webUrl);
  assertEquals(fixture.pageErrors, [], fixture.describe());
});
