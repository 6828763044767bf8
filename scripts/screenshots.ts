/**
 * Screenshots of the web client for the docs: starts `chat serve` (port 0, a temporary data
 * dir), seeds a conversation and two files from terminal clients, and saves PNGs of the login
 * and chat pages, light and dark, on a desktop and a phone, to docs/screenshots/.
 *
 * Run with `deno task screenshots`.
 *
 * @module
 */
import { fromFileUrl, join } from "@std/path";
import { type JoinClient, spawnJoin } from "../tests/e2e/_helpers.ts";
import { randomBytes, sendFile } from "../tests/e2e/_files.ts";
import {
  launchBrowser,
  login,
  openPage,
  type PageOptions,
  sendFromPage,
  startWebServer,
  type WebChatServer,
} from "../tests/browser/_browser.ts";
import { waitForShown } from "../tests/browser/_events.ts";
import { gradientPng } from "../tests/browser/_png.ts";
import type { Page } from "playwright-core";

const OUT_DIR = fromFileUrl(new URL("../docs/screenshots/", import.meta.url));
const DESKTOP: PageOptions = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
const PHONE: PageOptions = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

async function say(client: JoinClient, line: string): Promise<void> {
  const since = client.mark();
  await client.write(line);
  await client.waitFor((e) => e.id !== undefined && e.history !== true, {
    since,
    what: `the echo of "${line}"`,
  });
}

/** A morning in a lab's lobby: a few messages, an action, a photo and a PDF. */
async function seed(server: WebChatServer, ben: JoinClient, cleo: JoinClient): Promise<void> {
  await say(ben, "morning! the slides for today are below");
  await sendFile(server, ["-", "--name", "whiteboard.png", "--nick", "ben"], {
    input: gradientPng(320, 200),
  });
  await sendFile(server, ["-", "--name", "week-3-slides.pdf", "--nick", "ben"], {
    input: randomBytes(1_240_000),
  });
  await say(cleo, "/me waves");
  await say(cleo, "Thanks ben, see you at 10. Is the lab-2 room free after lunch?");
  await say(ben, "yes, booked it until 3");
}

async function shoot(page: Page, name: string): Promise<void> {
  // A focus ring on whichever field the script typed into is not part of the picture.
  await page.evaluate(() => {
    const { document } = globalThis as unknown as {
      document: { activeElement: { blur?(): void } | null };
    };
    document.activeElement?.blur?.();
  });
  // Let fonts, images and the theme transition settle.
  await page.evaluate(async () => {
    const { document } = globalThis as unknown as {
      document: { fonts: { ready: Promise<unknown> } };
    };
    await document.fonts.ready;
  });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT_DIR, name) });
  console.log(`Saved docs/screenshots/${name}`);
}

/** Waits until ana's previous browser session has left, so the nick is free again. */
async function waitForLeave(ben: JoinClient, since: number): Promise<void> {
  await ben.waitFor((e) => e.type === "notice" && e.from === "ana" && e.event === "leave", {
    since,
    what: "ana leaving",
  });
}

async function main(): Promise<void> {
  await Deno.mkdir(OUT_DIR, { recursive: true });
  await using server = await startWebServer();
  const passkey = server.passkey;
  await using ben = spawnJoin([server.address, "--nick", "ben", "--json"], { passkey });
  await using cleo = spawnJoin([server.address, "--nick", "cleo", "--json"], { passkey });
  await ben.ready();
  await cleo.ready();
  await seed(server, ben, cleo);
  await using chrome = await launchBrowser();

  {
    await using desktop = await openPage(chrome.browser, server.webUrl, DESKTOP);
    const { page } = desktop;
    await page.locator("#nick").fill("ana");
    await shoot(page, "login-desktop-light.png");
    await page.emulateMedia({ colorScheme: "dark" });
    await shoot(page, "login-desktop-dark.png");
    await page.emulateMedia({ colorScheme: "light" });
    await login(page, { nick: "ana", passkey });
    await sendFromPage(page, "hi all, joining from the browser");
    await waitForShown(page, { type: "message", from: "ana" });
    await page.locator("#messages img.preview").first().waitFor();
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as {
        document: { querySelectorAll(selector: string): Iterable<{ naturalWidth: number }> };
      };
      return [...document.querySelectorAll("#messages img.preview")].every((img) =>
        img.naturalWidth > 0
      );
    });
    await shoot(page, "chat-desktop-light.png");
    await page.emulateMedia({ colorScheme: "dark" });
    await shoot(page, "chat-desktop-dark.png");
  }

  const since = ben.mark();
  {
    await using phone = await openPage(chrome.browser, server.webUrl, PHONE);
    const { page } = phone;
    await page.locator("#nick").fill("ana");
    await shoot(page, "login-phone-light.png");
    await waitForLeave(ben, since);
    await page.emulateMedia({ colorScheme: "dark" });
    await login(page, { nick: "ana", passkey });
    await page.locator("#messages img.preview").first().waitFor();
    await shoot(page, "chat-phone-dark.png");
  }
}

if (import.meta.main) await main();
