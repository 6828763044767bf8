/**
 * The page the browser legs use: the web client of the benchmark's `chat serve`, in a fresh
 * Chromium context that accepts downloads, logged in with the passkey like a person would, and
 * noting its uncaught errors for the benchmark's failure messages.
 *
 * @module
 */
import type { Browser, BrowserContext, Page } from "playwright-core";

/** A logged-in page; disposing closes its context. */
export interface ChatPage extends AsyncDisposable {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions and console errors of the page so far. */
  errors: string[];
}

/** How long opening the page and logging in may take, ms. */
const LOGIN_TIMEOUT_MS = 30_000;

/**
 * Opens `webUrl` in a new context of `browser`, logs in as `nick` with `passkey`, and resolves
 * once the page has joined its room.
 */
export async function openChatPage(
  browser: Browser,
  options: { webUrl: string; nick: string; passkey: string },
): Promise<ChatPage> {
  const context = await browser.newContext({ acceptDownloads: true });
  const close = () => context.close().catch(() => {});
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(`${error.name}: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text()}`);
    });
    await page.goto(options.webUrl, { timeout: LOGIN_TIMEOUT_MS });
    await page.locator("#nick").fill(options.nick);
    await page.locator("#passkey").fill(options.passkey);
    await page.locator("#login-button").click();
    // The first "joined" writes "You are in ROOM with …": connected, and the history is in.
    await page.locator("#messages .event[data-type=system]", { hasText: /You are in / }).first()
      .waitFor({ timeout: LOGIN_TIMEOUT_MS });
    return { page, context, errors, [Symbol.asyncDispose]: close };
  } catch (error) {
    await close();
    throw error;
  }
}
