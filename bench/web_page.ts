/**
 * Web page benchmark: what the browser client weighs and how soon it shows the first message.
 * For each checkout given (this one unless told), it starts that checkout's `chat serve` on
 * loopback with a temporary data dir and one message in the lobby, then, in Debian's Chromium,
 * `--runs` times in a fresh browser context: opens the page, logs in, and waits for the history
 * message to be shown. Checkouts are measured in turns, so a tree before a change and the one
 * after it see the same machine in the same run.
 *
 * ```sh
 * deno task bench:web                                # this checkout, 10 runs
 * git archive HEAD~5 | tar -x -C /tmp/before          # an older tree beside it
 * deno task bench:web --root /tmp/before --root .     # both, in turns
 * ```
 *
 * Page weight is the bytes of every response the page loads (HTML, script, style), as served
 * and as gzip -9 would make them. Times are read inside the page from its navigation start:
 * `load` is the load event, `first message` is when the history message is in the list and
 * visible, and `login → message` is from the login form's submit to that moment.
 *
 * @module
 */
import { parseArgs } from "@std/cli/parse-args";
import { resolve } from "@std/path";
import { launchChromium } from "../tests/support/chromium.ts";
import { median } from "./shared/mod.ts";
import { SEED_TEXT, startPageServer } from "./web/page_server.ts";

/** Installed before any script of the page: notes when the seeded message becomes visible. */
const PROBE = `(() => {
  const marks = globalThis.__benchMarks = {};
  document.addEventListener("submit", () => marks.submit ??= performance.now(), true);
  const observer = new MutationObserver(() => {
    for (const element of document.querySelectorAll("#messages .event[data-type=message]")) {
      if (element.textContent.includes(${JSON.stringify(SEED_TEXT)}) &&
          element.offsetParent !== null) {
        marks.message = performance.now();
        observer.disconnect();
        return;
      }
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

/** One page load's figures. */
interface Sample {
  bytes: number;
  gzipBytes: number;
  assets: string[];
  loadMs: number;
  firstMessageMs: number;
  loginToMessageMs: number;
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const { gzipSync } = await import("node:zlib");
  return gzipSync(bytes, { level: 9 }).byteLength;
}

async function measureOnce(
  browser: import("playwright-core").Browser,
  server: { webUrl: string; passkey: string },
  nick: string,
): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript(PROBE);
    const page = await context.newPage();
    const bodies: Promise<{ url: string; body: Uint8Array }>[] = [];
    page.on("response", (response) => {
      if (response.status() === 101) return;
      bodies.push(response.body().then((body) => ({ url: response.url(), body })));
    });
    await page.goto(server.webUrl, { waitUntil: "load" });
    await page.locator("#nick").fill(nick);
    await page.locator("#passkey").fill(server.passkey);
    await page.locator("#login-button").click();
    await page.waitForFunction(
      () =>
        (globalThis as unknown as { __benchMarks: { message?: number } }).__benchMarks.message !==
          undefined,
      undefined,
      { timeout: 20_000 },
    );
    const marks = await page.evaluate(() => {
      const { __benchMarks: marks, performance } = globalThis as unknown as {
        __benchMarks: { submit: number; message: number };
        performance: { getEntriesByType(type: string): { loadEventEnd: number }[] };
      };
      return { ...marks, load: performance.getEntriesByType("navigation")[0].loadEventEnd };
    });
    const loaded = await Promise.all(bodies);
    let gzipBytes = 0;
    for (const { body } of loaded) gzipBytes += await gzipSize(body);
    return {
      bytes: loaded.reduce((sum, { body }) => sum + body.byteLength, 0),
      gzipBytes,
      assets: loaded.map(({ url, body }) => `${new URL(url).pathname} ${body.byteLength}`),
      loadMs: marks.load,
      firstMessageMs: marks.message,
      loginToMessageMs: marks.message - marks.submit,
    };
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args, {
    string: ["runs"],
    collect: ["root"],
    default: { runs: "10" },
  });
  const runs = Number(args.runs);
  // parseArgs leaves a collected option undefined, not [], when it is never given.
  const given = (args.root ?? []) as string[];
  const roots = given.length > 0
    ? given.map((root) => resolve(root))
    : [resolve(new URL("..", import.meta.url).pathname)];
  const browser = await launchChromium();
  const servers: Awaited<ReturnType<typeof startPageServer>>[] = [];
  try {
    for (const root of roots) servers.push(await startPageServer(root));
    const samples: Sample[][] = roots.map(() => []);
    // One warm-up each (Chromium's and the server's first page), then runs in turns.
    for (let run = -1; run < runs; run++) {
      for (const [index, server] of servers.entries()) {
        const sample = await measureOnce(browser, server, `bench${run + 2}`);
        if (run >= 0) samples[index].push(sample);
      }
    }
    console.log(`Chromium ${browser.version()}, Deno ${Deno.version.deno}, ${runs} runs each\n`);
    console.log(
      "| checkout | assets | bytes | gzip -9 | load (ms) | first message (ms) | login → message (ms) |",
    );
    console.log("| --- | --- | --: | --: | --: | --: | --: |");
    for (const [index, root] of roots.entries()) {
      const list = samples[index];
      const [first] = list;
      const ms = (pick: (sample: Sample) => number) => median(list.map(pick)).toFixed(1);
      console.log(
        `| ${root} | ${first.assets.join(", ")} | ${first.bytes} | ${first.gzipBytes} | ` +
          `${ms((s) => s.loadMs)} | ${ms((s) => s.firstMessageMs)} | ` +
          `${ms((s) => s.loginToMessageMs)} |`,
      );
    }
  } finally {
    for (const server of servers) await server[Symbol.asyncDispose]();
    await browser.close();
  }
}

if (import.meta.main) await main();
