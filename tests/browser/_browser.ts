/**
 * Helpers for the browser tests: the system's Chromium driven by playwright-core (never a
 * downloaded browser; launched by tests/support/chromium.ts, as for the benchmarks), a
 * `chat serve` whose web client the page opens, one isolated page per test and the login form. Everything is held with `await using` and released on dispose.
 *
 * @module
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { type ChatServer, type ServerOptions, startServer } from "../e2e/_helpers.ts";
import { launchChromium } from "../support/chromium.ts";

/** How long one browser-side wait (a selector, a download, a condition) may take. */
export const BROWSER_TIMEOUT_MS = 10_000;

/** A launched Chromium, closed on dispose. */
export interface LaunchedBrowser extends AsyncDisposable {
  browser: Browser;
}

/** Launches Debian's headless Chromium (see tests/support/chromium.ts). */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  const browser = await launchChromium({ timeoutMs: BROWSER_TIMEOUT_MS });
  return {
    browser,
    async [Symbol.asyncDispose]() {
      await browser.close().catch(() => {});
    },
  };
}

/** A `chat serve` with its web client's address. */
export interface WebChatServer extends ChatServer {
  /** `http://127.0.0.1:PORT/`, from the banner's `Web:` line. */
  webUrl: string;
  /** The web client's port. */
  webPort: number;
}

const WEB_LINE = /^\s*Web: (http:\/\/127\.0\.0\.1:(\d+)\/)\s*$/;

/**
 * Starts `chat serve` on loopback (see the e2e `startServer`) and reads the web client's address
 * from the banner line `  Web: http://127.0.0.1:PORT/`.
 */
export async function startWebServer(options: ServerOptions = {}): Promise<WebChatServer> {
  const server = await startServer(options);
  const found = server.stdout.lines.map((line) => line.match(WEB_LINE)).find((match) => match);
  if (!found) {
    await server.stop();
    throw new Error(
      `The server printed no "Web: http://127.0.0.1:PORT/" line:\n${server.process.describe()}`,
    );
  }
  return Object.assign(server, { webUrl: found[1], webPort: Number(found[2]) });
}

/** One page in its own browser context (own storage, own downloads), closed on dispose. */
export interface PageFixture extends AsyncDisposable {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions in the page, as "name: message". */
  pageErrors: string[];
  /** Messages of dialogs (alert, confirm, prompt) the page opened; each was dismissed. */
  dialogs: string[];
  /** Console errors and warnings, for failure messages. */
  console: string[];
  /** Page errors, dialogs and console output, for failure messages. */
  describe(): string;
}

/** Options of {@linkcode openPage}: context options such as `viewport` and `colorScheme`. */
export type PageOptions = Pick<
  BrowserContextOptions,
  "viewport" | "deviceScaleFactor" | "colorScheme" | "isMobile" | "hasTouch"
>;

/**
 * Opens `url` in a fresh context of `browser`, with downloads accepted and every wait bounded
 * by {@linkcode BROWSER_TIMEOUT_MS}. Only loopback addresses are allowed.
 */
export async function openPage(
  browser: Browser,
  url: string,
  options: PageOptions = {},
): Promise<PageFixture> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\//.test(url)) {
    throw new TypeError(`The browser tests open loopback addresses only, not "${url}"`);
  }
  const context = await browser.newContext({
    acceptDownloads: true,
    colorScheme: "light",
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
  const page = await context.newPage();
  const fixture: PageFixture = {
    page,
    context,
    pageErrors: [],
    dialogs: [],
    console: [],
    describe: () =>
      [
        `page errors: ${JSON.stringify(fixture.pageErrors)}`,
        `dialogs: ${JSON.stringify(fixture.dialogs)}`,
        `console: ${JSON.stringify(fixture.console.slice(-20))}`,
      ].join("\n"),
    async [Symbol.asyncDispose]() {
      await context.close().catch(() => {});
    },
  };
  page.on("pageerror", (error) => fixture.pageErrors.push(`${error.name}: ${error.message}`));
  page.on("dialog", (dialog) => {
    fixture.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      fixture.console.push(`${message.type()}: ${message.text()}`);
    }
  });
  try {
    await page.goto(url);
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
  return fixture;
}

/** Who logs in. */
export interface Credentials {
  nick: string;
  passkey: string;
}

/** Fills in the login form and submits it, without waiting for the outcome. */
export async function submitLogin(page: Page, credentials: Credentials): Promise<void> {
  await page.locator("#nick").fill(credentials.nick);
  await page.locator("#passkey").fill(credentials.passkey);
  await page.locator("#login-button").click();
}

/**
 * Logs in and waits until the chat page shows, the status says "Connected" and the room has
 * been joined (its history has arrived).
 */
export async function login(page: Page, credentials: Credentials): Promise<void> {
  await submitLogin(page, credentials);
  await page.locator("#chat-page").waitFor({ state: "visible" });
  await waitForStatus(page, /^Connected$/);
  // The first "joined" writes "You are in ROOM with …" as a system line.
  await page.locator("#messages .event[data-type=system]", { hasText: /^.*You are in / })
    .first().waitFor();
}

/** Waits until `#status` reads something matching `pattern`; returns the text. */
export async function waitForStatus(page: Page, pattern: RegExp): Promise<string> {
  const status = page.locator("#status");
  const deadline = Date.now() + BROWSER_TIMEOUT_MS;
  for (;;) {
    const text = (await status.textContent())?.trim() ?? "";
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) {
      throw new Error(`#status read "${text}", not ${pattern}, after ${BROWSER_TIMEOUT_MS} ms.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Types `text` into the message box and presses Enter. */
export async function sendFromPage(page: Page, text: string): Promise<void> {
  await page.locator("#input").fill(text);
  await page.locator("#input").press("Enter");
}
