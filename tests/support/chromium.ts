/**
 * Debian's Chromium driven by playwright-core, launched the one way the browser tests and the
 * benchmarks both use: headless, no sandbox (containers have no user namespaces), no GPU, no
 * background traffic, and never a downloaded browser.
 *
 * Not exported from mod.ts: only the browser tests and the benchmarks that drive a page need
 * playwright-core, and loading it costs the other users of mod.ts for nothing.
 *
 * playwright-core's bundled `is-wsl` probes `/proc/sys/fs/binfmt_misc/WSLInterop` when it loads,
 * and Deno lets only `--allow-all` look into `/proc`, so under `deno test` the import itself would
 * fail. With `__IS_WSL_TEST__` set, `is-wsl` postpones the probe to a call that launching Chromium
 * never makes (only opening URLs in a desktop app does), so the variable is set around the import.
 *
 * @module
 */
import type { Browser, BrowserType } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Command-line switches every launch passes. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
];

/** Options of {@linkcode launchChromium}. */
export interface LaunchChromiumOptions {
  /** How long the launch may take, ms; playwright's default (3 minutes) unless told. */
  timeoutMs?: number;
  /**
   * Where Chromium saves downloads; a temporary folder of playwright's, removed when the browser
   * closes, unless told.
   */
  downloadsPath?: string;
  /** Arguments added to {@linkcode CHROMIUM_ARGS}, e.g. `--host-resolver-rules=…`. */
  extraArgs?: readonly string[];
}

let loaded: Promise<BrowserType> | undefined;

async function loadChromium(): Promise<BrowserType> {
  const alreadySet = Deno.env.get("__IS_WSL_TEST__") !== undefined;
  if (!alreadySet) Deno.env.set("__IS_WSL_TEST__", "1");
  try {
    return (await import("playwright-core")).chromium;
  } finally {
    // Children (chat serve, chat join) inherit the environment; keep it as it was.
    if (!alreadySet) Deno.env.delete("__IS_WSL_TEST__");
  }
}

/**
 * Launches headless {@linkcode CHROMIUM_PATH} with {@linkcode CHROMIUM_ARGS}. The caller closes
 * it.
 *
 * @example
 * ```ts ignore
 * import { launchChromium } from "./chromium.ts";
 * const browser = await launchChromium({ timeoutMs: 10_000 });
 * await browser.close();
 * ```
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  const chromium = await (loaded ??= loadChromium());
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    timeout: options.timeoutMs,
    downloadsPath: options.downloadsPath,
  });
}
