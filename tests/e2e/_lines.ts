import { tail, type UntilOptions, Watch } from "./_wait.ts";

/**
 * Reads a child's output stream to its end, splitting it into lines as they arrive, so tests
 * can wait for a line and the pipe never fills up and blocks the child.
 */
export class LineCollector {
  /** Complete lines so far, without their line ends. */
  readonly lines: string[] = [];
  /** Resolves once the stream has ended (the child closed it or was killed). */
  readonly done: Promise<void>;
  #ended = false;
  #watch = new Watch();

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = this.#pump(stream);
  }

  /** Whether the stream has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** All lines joined with "\n". */
  get text(): string {
    return this.lines.join("\n");
  }

  /** Resolves with the first defined value of `check` over the lines, re-run on every line. */
  until<T>(
    check: (lines: readonly string[]) => T | undefined,
    options: Pick<UntilOptions, "what" | "timeoutMs"> & { context?: () => string },
  ): Promise<T> {
    return this.#watch.until(() => check(this.lines), {
      context: () => tail(this.lines),
      ended: () => this.#ended,
      ...options,
    });
  }

  /** Resolves with the match of the first line matching `pattern`. */
  match(pattern: RegExp, options: { timeoutMs?: number; context?: () => string } = {}) {
    return this.until((lines) => {
      for (const line of lines) {
        const found = line.match(pattern);
        if (found) return found;
      }
      return undefined;
    }, { what: `a line matching ${pattern}`, ...options });
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let pending = "";
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += value;
        const parts = pending.split("\n");
        pending = parts.pop() ?? "";
        for (const part of parts) this.lines.push(part.replace(/\r$/, ""));
        if (parts.length > 0) this.#watch.notify();
      }
    } catch {
      // The stream errors when the child is killed mid-write; what was read is kept.
    } finally {
      if (pending.length > 0) this.lines.push(pending);
      this.#ended = true;
      this.#watch.notify();
    }
  }
}
