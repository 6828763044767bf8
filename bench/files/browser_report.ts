/**
 * The browser legs' part of a file-transfer report: how they were run, whether the bytes
 * arrived intact both ways, and the memory of Chromium's renderers, of its other processes and
 * of the page's JavaScript heap in each phase. Their times are rows of the legs table and the
 * server's memory rows of the process table, beside the CLI legs'.
 *
 * @module
 */
import type { BrowserLegs, BrowserPhase } from "./browser_legs.ts";
import type { Leg } from "./report.ts";

/** What the report shows of the browser legs. */
export type BrowserReport = Pick<
  BrowserLegs,
  "chromium" | "copy" | "uploadVerified" | "downloadVerified" | "phases" | "pageErrors"
>;

/** The label of each phase in the tables. */
const PHASE_LABELS: Record<keyof BrowserLegs["phases"], string> = {
  idle: "page logged in, idle (2 s)",
  upload: "browser upload",
  download: "browser download",
};

/** Phases in the order they ran, with their labels. */
export function browserPhases(
  report: BrowserReport,
): { label: string; phase: BrowserPhase }[] {
  return (Object.keys(PHASE_LABELS) as (keyof BrowserLegs["phases"])[])
    .map((key) => ({ label: PHASE_LABELS[key], phase: report.phases[key] }));
}

/** The rows of the legs table for the browser legs of a file of `bytes` bytes. */
export function browserLegRows(legs: BrowserLegs, bytes: number): Leg[] {
  const { upload, download } = legs;
  return [
    {
      name: "browser upload, transfer only (`.part` created → file line shown, incl. server " +
        "hash + fsync)",
      seconds: upload.transferSeconds,
      bytes,
      machine: upload.machine,
      attempts: upload.attempts,
    },
    {
      name: "browser upload, whole (file handed to the page's input → file line shown)",
      seconds: upload.seconds,
      bytes,
    },
    {
      name: "browser download, transfer only (Chromium's file created → download complete, " +
        "no fsync)",
      seconds: download.transferSeconds,
      bytes,
      machine: download.machine,
      attempts: download.attempts,
    },
    {
      name: "browser download, whole (click on Download → download complete)",
      seconds: download.seconds,
      bytes,
    },
  ];
}

/**
 * The pid of the page's renderer: of the renderers, the one that worked most during the upload
 * (the page hashes and sends the file; the others, such as Chromium's spare renderer, idle).
 */
export function pageRendererPid(report: BrowserReport): number | undefined {
  let busiest: [number, number] | undefined;
  for (const [pid, { cpuSeconds }] of report.phases.upload.renderers.members) {
    if (busiest === undefined || cpuSeconds > busiest[1]) busiest = [pid, cpuSeconds];
  }
  return busiest?.[0];
}

/** The browser section: method, verification, and Chromium's memory per phase. */
export function renderBrowser(report: BrowserReport): string {
  const mib = (kib: number | undefined) => kib === undefined ? "–" : (kib / 1024).toFixed(0);
  const heapMib = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);
  const pid = pageRendererPid(report);
  const rows = [
    "| phase | page's renderer: peak RSS (MiB) | its CPU (s) | JS heap used / total (MiB) | " +
    "all renderers: peak RSS, sum (MiB) | rest of Chromium: peak RSS, sum (MiB) | " +
    "largest of the rest (MiB) | rest CPU (s) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { label, phase } of browserPhases(report)) {
    const { renderers, chromium, heap } = phase;
    const page = pid === undefined ? undefined : renderers.members.get(pid);
    const largest = Math.max(0, ...[...chromium.members.values()].map((m) => m.peakRssKiB));
    rows.push(
      `| ${label} | ${mib(page?.peakRssKiB)} | ${page?.cpuSeconds.toFixed(2) ?? "–"} | ${
        heapMib(heap.peakUsedBytes)
      } / ${heapMib(heap.peakTotalBytes)} | ${
        mib(renderers.peakRssKiB)
      } (${renderers.processes}) | ${mib(chromium.peakRssKiB)} (${chromium.processes}) | ${
        mib(largest)
      } | ${chromium.cpuSeconds.toFixed(2)} |`,
    );
  }
  const { copy } = report;
  const lines = [
    `Browser legs: Chromium ${report.chromium} (Debian's, headless), one page logged in to the ` +
    "same server. Upload: the source file is handed to the page's file input by path " +
    "(playwright `setInputFiles`), and the page sends it as it always does: 256 KiB slices of " +
    "the `File` read one at a time, hashed with @noble/hashes' SHA-256 on the page's main " +
    "thread, sent as chunks over its WebSocket; it is done when the page shows the file's " +
    "line (the server sends it after its own SHA-256 matched and the file was synced). " +
    "Download: a click on that line's Download link, which asks the server for an HTTP link and " +
    "hands it to Chromium's download manager; done when Chromium reports the download " +
    "complete (Chromium does not fsync what it saved). Transfer-only times run from the first " +
    "sign of the transfer: the server's `.part` file, or Chromium's file in its downloads " +
    "folder.",
    "",
    report.uploadVerified
      ? `The server's copy of the page's upload is byte-identical to the source: listed with ` +
        `its SHA-256 and size, and its stored blob read back hashes to the same (${
          copy.listed.sha256.slice(0, 16)
        }…).`
      : `**The server's copy of the page's upload does NOT match the source**: listed ${copy.listed.sha256} ` +
        `(${copy.listed.size} bytes), stored blob ${copy.storedSha256}.`,
    report.downloadVerified
      ? "The file Chromium saved is byte-identical to the source (SHA-256)."
      : "**The file Chromium saved does NOT match the source.**",
    report.pageErrors.length === 0
      ? "The page reported no errors."
      : `The page reported errors: ${report.pageErrors.slice(0, 5).join("; ")}.`,
    "",
    "Chromium's memory: VmRSS of its processes from /proc every 100 ms. The page's renderer is " +
    "the renderer that used the most CPU during the upload; the sums (number of processes in " +
    "brackets) count memory the processes share, such as Chromium's own code, once per " +
    "process. The page's JavaScript heap is Chromium's own figure (`Performance.getMetrics` " +
    "over the DevTools protocol, every 100 ms); `ArrayBuffer` contents live outside it, in the " +
    "renderer's RSS. The server's memory in these phases is in the process table below.",
    "",
    ...rows,
  ];
  return lines.join("\n");
}
