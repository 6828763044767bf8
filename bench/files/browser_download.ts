/**
 * A shared file downloaded by the web page, timed: the page's Download link asks the server for
 * an HTTP link and hands it to Chromium's own download manager (PROTOCOL.md section 8.1), which
 * saves the file in its downloads folder; it is done when Chromium reports the download
 * complete. Chromium does not fsync what it saved.
 *
 * @module
 */
import type { Download, Page } from "playwright-core";
import { type MachineCpu, machineUsage, readMachineCpu } from "../shared/mod.ts";
import { withTimeout } from "../../tests/support/mod.ts";
import type { TimedTransfer } from "./timed_transfer.ts";
import { whenNewEntry } from "./when_new_entry.ts";

/** A timed download by the page: where Chromium saved it. */
export interface BrowserDownload extends TimedTransfer {
  /** The saved file; {@linkcode BrowserDownload.download}`.delete()` removes it. */
  path: string;
  download: Download;
}

/** Options of {@linkcode timedBrowserDownload}. */
export interface BrowserDownloadOptions {
  /** Chromium's downloads folder (the browser's `downloadsPath`), where the file appears. */
  downloadsDir: string;
  /** The leg's processes (server, Chromium), asked at the end. */
  ours: () => readonly number[];
  /** How long the whole download may take, ms. */
  timeoutMs: number;
}

/**
 * Clicks the Download link on the line of file `id` and waits until Chromium saved the file.
 * Timed as a whole (from the click) and from the moment the file appeared in the downloads
 * folder. Throws when Chromium reports a failure, or on timeout.
 */
export async function timedBrowserDownload(
  page: Page,
  id: number,
  options: BrowserDownloadOptions,
): Promise<BrowserDownload> {
  const link = page.locator(`#messages .event[data-type=file][data-id="${id}"] a.download`);
  const watch = new AbortController();
  let cpuAtMarker: MachineCpu | undefined;
  const markerSeen = whenNewEntry(options.downloadsDir, { signal: watch.signal, intervalMs: 2 })
    .then((at) => {
      cpuAtMarker = readMachineCpu();
      return at;
    });
  try {
    const started = performance.now();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const path = await withTimeout(download.path(), {
      timeoutMs: options.timeoutMs,
      what: `Chromium to finish downloading file ${id}`,
    });
    const endedAt = performance.now();
    const cpuAtEnd = readMachineCpu();
    const failure = await download.failure();
    if (failure !== null) throw new Error(`Chromium's download of file ${id} failed: ${failure}`);
    watch.abort();
    const transferFrom = await markerSeen;
    if (transferFrom === undefined) {
      throw new Error(`No download appeared in ${options.downloadsDir}.`);
    }
    return {
      path,
      download,
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
