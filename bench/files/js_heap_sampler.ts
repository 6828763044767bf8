/**
 * The page's JavaScript heap during a transfer, as Chromium itself reports it over the DevTools
 * protocol (`Performance.getMetrics`: `JSHeapUsedSize`, `JSHeapTotalSize`). It complements the
 * renderer's RSS read from /proc: the heap shows what the page's own objects hold, the RSS also
 * what lives outside it (the `ArrayBuffer`s of file slices, the WebSocket's send buffer).
 *
 * @module
 */
import type { CDPSession, Page } from "playwright-core";
import { sleep } from "../shared/mod.ts";

/** The JavaScript heap's peak during one phase. */
export interface HeapPhaseUsage {
  /** Highest `JSHeapUsedSize` sampled, bytes. */
  peakUsedBytes: number;
  /** Highest `JSHeapTotalSize` sampled (what V8 reserved for the heap), bytes. */
  peakTotalBytes: number;
  samples: number;
}

/**
 * Asks the page's renderer for its heap figures every `intervalMs` (one request at a time, so a
 * busy page is asked less often rather than flooded) until {@linkcode JsHeapSampler.stop}.
 */
export class JsHeapSampler {
  readonly #session: CDPSession;
  readonly #intervalMs: number;
  #running = true;
  readonly #loop: Promise<void>;
  #phase: HeapPhaseUsage = { peakUsedBytes: 0, peakTotalBytes: 0, samples: 0 };

  private constructor(session: CDPSession, intervalMs: number) {
    this.#session = session;
    this.#intervalMs = intervalMs;
    this.#loop = this.#run();
  }

  /** Starts sampling `page`; the first phase starts now. */
  static async start(page: Page, intervalMs = 100): Promise<JsHeapSampler> {
    const session = await page.context().newCDPSession(page);
    await session.send("Performance.enable");
    return new JsHeapSampler(session, intervalMs);
  }

  /** Takes a sample now, ends the current phase and starts the next; returns what it saw. */
  async phase(): Promise<HeapPhaseUsage> {
    await this.#sample();
    const usage = this.#phase;
    this.#phase = { peakUsedBytes: 0, peakTotalBytes: 0, samples: 0 };
    return usage;
  }

  /** Stops sampling and detaches from the page. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
    await this.#session.detach().catch(() => {});
  }

  async #run(): Promise<void> {
    while (this.#running) {
      await this.#sample();
      await sleep(this.#intervalMs);
    }
  }

  async #sample(): Promise<void> {
    let metrics: { name: string; value: number }[];
    try {
      ({ metrics } = await this.#session.send("Performance.getMetrics"));
    } catch {
      return; // The page is closing.
    }
    const value = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
    this.#phase.peakUsedBytes = Math.max(this.#phase.peakUsedBytes, value("JSHeapUsedSize"));
    this.#phase.peakTotalBytes = Math.max(this.#phase.peakTotalBytes, value("JSHeapTotalSize"));
    this.#phase.samples++;
  }
}
