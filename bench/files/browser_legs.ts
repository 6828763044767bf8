/**
 * The browser legs of the file-transfer benchmark: the same file shared from Chromium's page
 * (file input, WebSocket) into the benchmark's `chat serve`, the server's copy checked, then
 * downloaded through the page's Download link by Chromium's own download manager (HTTP), and
 * what Chromium saved checked against the source. Meanwhile the renderers' and the rest of
 * Chromium's memory is read from /proc every 100 ms, and the page's JavaScript heap from
 * Chromium, to show that neither grows with the file.
 *
 * @module
 */
import { join } from "@std/path";
import { hashFile } from "../../src/client/mod.ts";
import { launchChromium } from "../../tests/support/chromium.ts";
import {
  type GroupPhaseUsage,
  log,
  type PhaseUsage,
  ProcGroupSampler,
  type ProcSampler,
  sleep,
} from "../shared/mod.ts";
import { type BrowserDownload, timedBrowserDownload } from "./browser_download.ts";
import { openChatPage } from "./browser_page.ts";
import { type BrowserUpload, timedBrowserUpload } from "./browser_upload.ts";
import { chromiumProcesses } from "./chromium_processes.ts";
import { type HeapPhaseUsage, JsHeapSampler } from "./js_heap_sampler.ts";
import { leastDisturbed } from "./least_disturbed.ts";
import { type ServerCopy, serverCopy } from "./server_copy.ts";
import { whenNewEntry } from "./when_new_entry.ts";

/** The page's nick. */
const NICK = "bench-web";

/** What the legs need of the run. */
export interface BrowserLegsOptions {
  /** The file to share, its SHA-256 and size. */
  source: string;
  sha256: string;
  bytes: number;
  /** Scratch folder of the run (warm memory, Chromium's downloads). */
  tmp: string;
  /** The running server, sampled by `serverProc`, whose phases the legs end. */
  server: { pid: number; port: number; webUrl: string; passkey: string; dataDir: string };
  serverProc: ProcSampler;
  retries: number;
  waitQuietMs: number;
}

/** Memory of the server, the renderers, the rest of Chromium and the page's heap in one phase. */
export interface BrowserPhase {
  server: PhaseUsage;
  renderers: GroupPhaseUsage;
  chromium: GroupPhaseUsage;
  heap: HeapPhaseUsage;
}

/** What the browser legs measured. */
export interface BrowserLegs {
  /** Chromium's version. */
  chromium: string;
  upload: BrowserUpload & { attempts: number };
  download: BrowserDownload & { attempts: number };
  /** The server's copy of what the page shared. */
  copy: ServerCopy;
  /** The server's copy has the source's SHA-256 and size. */
  uploadVerified: boolean;
  /** Every file Chromium saved has the source's SHA-256 and size. */
  downloadVerified: boolean;
  /** The page logged in and idle; then each leg. */
  phases: { idle: BrowserPhase; upload: BrowserPhase; download: BrowserPhase };
  /** Uncaught errors of the page, if any. */
  pageErrors: string[];
}

/** Runs the browser upload and download legs against the running server. */
export async function browserLegs(options: BrowserLegsOptions): Promise<BrowserLegs> {
  const { server, bytes, sha256 } = options;
  const downloadsDir = join(options.tmp, "chromium-downloads");
  await Deno.mkdir(downloadsDir, { recursive: true });
  // Generous: a stuck leg fails with a sentence rather than hanging the run.
  const timeoutMs = 120_000 + bytes / 2_000;
  const browser = await launchChromium({ downloadsPath: downloadsDir });
  try {
    await using chatPage = await openChatPage(browser, {
      webUrl: server.webUrl,
      nick: NICK,
      passkey: server.passkey,
    });
    const { page } = chatPage;
    const found = chromiumProcesses();
    if (found === undefined) throw new Error("Chromium's processes are not in /proc.");
    const ours = [server.pid, ...found.others, ...found.renderers];
    const renderers = new ProcGroupSampler(() => chromiumProcesses()?.renderers ?? []);
    const chromium = new ProcGroupSampler(() => chromiumProcesses()?.others ?? []);
    const heap = await JsHeapSampler.start(page);
    const phase = async (): Promise<BrowserPhase> => ({
      server: options.serverProc.phase(),
      renderers: renderers.phase(),
      chromium: chromium.phase(),
      heap: await heap.phase(),
    });
    try {
      await phase();
      log(`Chromium ${browser.version()}: the page is logged in; idle for 2 s`);
      await sleep(2_000);
      const idle = await phase();
      const retry = { ours, tmp: options.tmp, bytes, retries: options.retries };
      const upload = await leastDisturbed(
        () =>
          timedBrowserUpload(page, options.source, {
            nick: NICK,
            partialDir: join(server.dataDir, "files", "partial"),
            ours: () => ours,
            timeoutMs,
          }),
        {
          label: "upload: Chromium's page, file input → WebSocket",
          started: (signal) =>
            whenNewEntry(join(server.dataDir, "files", "partial"), { signal, intervalMs: 2 }),
          waitQuietMs: options.waitQuietMs,
          ...retry,
        },
      );
      const uploadPhase = await phase();
      const copy = await serverCopy(upload.id, server);
      const uploadVerified = copy.listed.sha256 === sha256 && copy.listed.size === bytes &&
        copy.storedSha256 === sha256;
      log(uploadVerified ? "the server's copy verified" : "THE SERVER'S COPY DIFFERS");
      await phase();

      let downloadVerified = true;
      const download = await leastDisturbed(async () => {
        const saved = await timedBrowserDownload(page, upload.id, {
          downloadsDir,
          ours: () => ours,
          timeoutMs,
        });
        const same = (await Deno.stat(saved.path)).size === bytes &&
          await hashFile(saved.path) === sha256;
        downloadVerified &&= same;
        await saved.download.delete();
        return saved;
      }, {
        label: `download: Chromium's page, Download link → HTTP (file ${upload.id})`,
        started: (signal) => whenNewEntry(downloadsDir, { signal, intervalMs: 2 }),
        waitQuietMs: options.waitQuietMs,
        ...retry,
      });
      const downloadPhase = await phase();
      log(downloadVerified ? "Chromium's download verified" : "CHROMIUM SAVED OTHER BYTES");
      return {
        chromium: browser.version(),
        upload,
        download,
        copy,
        uploadVerified,
        downloadVerified,
        phases: { idle, upload: uploadPhase, download: downloadPhase },
        pageErrors: chatPage.errors,
      };
    } finally {
      renderers.stop();
      chromium.stop();
      await heap.stop();
    }
  } finally {
    await browser.close().catch(() => {});
  }
}
