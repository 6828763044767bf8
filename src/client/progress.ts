import { format as formatBytes } from "@std/fmt/bytes";

const REDRAW_MS = 100;

/**
 * A one-line progress bar on stderr: bytes done and total, rate and time left. It draws only
 * when `enabled` (stderr is a terminal), at most ten times a second.
 *
 * @example
 * ```ts ignore
 * const bar = new ProgressBar("report.pdf", { total: 1_200_000, enabled: Deno.stderr.isTerminal() });
 * bar.update(600_000);
 * bar.done();
 * ```
 */
export class ProgressBar {
  readonly #label: string;
  readonly #total: number | undefined;
  readonly #enabled: boolean;
  readonly #started = performance.now();
  readonly #startBytes: number;
  #lastDraw = 0;
  #bytes: number;

  constructor(label: string, options: { total?: number; enabled: boolean; start?: number }) {
    this.#label = label;
    this.#total = options.total;
    this.#enabled = options.enabled;
    this.#bytes = this.#startBytes = options.start ?? 0;
  }

  /** Records that `bytes` are done in all. */
  update(bytes: number): void {
    this.#bytes = bytes;
    const now = performance.now();
    if (!this.#enabled || now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    this.#draw(now);
  }

  /** Draws the final state and ends the line. */
  done(): void {
    if (!this.#enabled) return;
    this.#draw(performance.now());
    write("\n");
  }

  /** Clears the bar's line (before printing something else). */
  clear(): void {
    if (this.#enabled) write("\r\x1b[2K");
  }

  #draw(now: number): void {
    const seconds = Math.max((now - this.#started) / 1000, 0.001);
    const rate = (this.#bytes - this.#startBytes) / seconds;
    const total = this.#total;
    let line = `${this.#label}  ${formatBytes(this.#bytes)}`;
    if (total !== undefined && total > 0) {
      const fraction = Math.min(this.#bytes / total, 1);
      const width = 20;
      const filled = Math.round(fraction * width);
      line = `${this.#label}  [${"#".repeat(filled)}${"-".repeat(width - filled)}] ` +
        `${(fraction * 100).toFixed(0).padStart(3)}%  ${formatBytes(this.#bytes)} / ${
          formatBytes(total)
        }`;
      if (rate > 0 && this.#bytes < total) line += `  ETA ${clock((total - this.#bytes) / rate)}`;
    }
    line += `  ${formatBytes(rate)}/s`;
    write(`\r\x1b[2K${line}`);
  }
}

function clock(seconds: number): string {
  const s = Math.ceil(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

const encoder = new TextEncoder();

function write(text: string): void {
  try {
    Deno.stderr.writeSync(encoder.encode(text));
  } catch {
    // stderr closed: progress is only a courtesy.
  }
}
