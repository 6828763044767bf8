/**
 * playwright-core's `chromium`, loaded so that it works under `deno test` without `--allow-all`.
 *
 * When playwright-core loads, its bundled `is-wsl` probes `/proc/sys/fs/binfmt_misc/WSLInterop`,
 * and Deno lets only `--allow-all` look into `/proc`, so the import itself would fail. With
 * `__IS_WSL_TEST__` set, `is-wsl` postpones the probe to a call that launching Chromium never
 * makes (only opening URLs in a desktop app does), so the variable is set around the import.
 *
 * @module
 */
import type { BrowserType } from "playwright-core";

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

/** playwright-core's Chromium launcher. */
export const chromium: BrowserType = await loadChromium();
