/**
 * A file shared from the web page, timed: handed to the page's file input by path (so Chromium
 * reads it from disk as it would a file a person picked, and playwright never holds it), sent by
 * the page over its WebSocket, and done when its line appears in the page's message list, which
 * the server sends only after it verified the SHA-256 and synced the file.
 *
 * @module
 */
import type { Page } from "playwright-core";
import { type MachineCpu, machineUsage, readMachineCpu } from "../shared/mod.ts";
import { withTimeout } from "../../tests/support/mod.ts";
import type { TimedTransfer } from "./timed_transfer.ts";
import { whenNewEntry } from "./when_new_entry.ts";

/** A timed upload from the page, and the id the server gave the file. */
export interface BrowserUpload extends TimedTransfer {
  id: number;
}

/** Options of {@linkcode timedBrowserUpload}. */
export interface BrowserUploadOptions {
  /** The page's nick: the file's line is the next one from it. */
  nick: string;
  /** The server's folder of partial uploads, where the transfer's first sign appears. */
  partialDir: string;
  /** The leg's processes (server, Chromium), asked at the end. */
  ours: () => readonly number[];
  /** How long the whole upload may take, ms. */
  timeoutMs: number;
}

/**
 * Puts the file at `source` into the page's `#file-input` and waits for the page to show it
 * shared. Timed as a whole (from handing over the file) and from the moment the server's
 * partial file appeared. Throws when the page shows an error instead, or on timeout.
 */
export async function timedBrowserUpload(
  page: Page,
  source: string,
  options: BrowserUploadOptions,
): Promise<BrowserUpload> {
  const nick = new RegExp(`^${options.nick.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const lines = page.locator("#messages .event[data-type=file]")
    .filter({ has: page.locator(".from", { hasText: nick }) });
  const errors = page.locator("#messages .event[data-type=error]");
  const [linesBefore, errorsBefore] = await Promise.all([lines.count(), errors.count()]);
  const watch = new AbortController();
  let cpuAtMarker: MachineCpu | undefined;
  const markerSeen = whenNewEntry(options.partialDir, { signal: watch.signal, intervalMs: 2 })
    .then((at) => {
      cpuAtMarker = readMachineCpu();
      return at;
    });
  try {
    const started = performance.now();
    await page.locator("#file-input").setInputFiles(source);
    const line = lines.nth(linesBefore);
    const error = errors.nth(errorsBefore);
    await withTimeout(line.or(error).waitFor({ timeout: 0 }), {
      timeoutMs: options.timeoutMs,
      what: `the page to show ${source} shared`,
    });
    const endedAt = performance.now();
    const cpuAtEnd = readMachineCpu();
    if (await error.count() > 0) {
      throw new Error(`The page could not share the file: ${await error.textContent()}`);
    }
    watch.abort();
    const transferFrom = await markerSeen;
    if (transferFrom === undefined) {
      throw new Error(`No partial upload appeared in ${options.partialDir}.`);
    }
    const id = Number(await line.getAttribute("data-id"));
    if (!Number.isSafeInteger(id)) throw new Error("The page's file line has no data-id.");
    return {
      id,
      seconds: (endedAt - started) / 1000,
      transferSeconds: (endedAt - transferFrom) / 1000,
      transferFrom,
      transferTo: endedAt,
      machine: machineUsage(cpuAtMarker!, cpuAtEnd, options.ours()),
    };
  } finally {
    watch.abort();
  }
}
