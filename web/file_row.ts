/**
 * The controls on a shared file's line: a Download link that asks the server for an HTTP link to
 * the file and hands it to the browser's own download manager (which shows progress, keeps the
 * file out of the page's memory whatever its size, and resumes with byte ranges), and for a
 * picture an inline preview, fetched over the chat connection and checked by SHA-256. Previews
 * load two at a time, and only while connected.
 *
 * @module
 */
import type { DisplayEvent } from "../src/client/display_event.ts";
import { sanitizeFileName } from "../src/protocol/file_name.ts";
import type { FileInfo } from "../src/protocol/messages.ts";
import { el } from "./elements.ts";
import { imageType, type Transfers } from "./transfers.ts";

/** Previews loading at once. */
const PREVIEWS_AT_ONCE = 2;

/** What the file controls need of the page. */
export interface FileRowOptions {
  transfers: Transfers;
  /** An HTTP path on this server that downloads file `id`, for the signed-in user. */
  downloadPath(id: number): Promise<string>;
  /** Whether the client is connected now. */
  connected(): boolean;
  complain(text: string): void;
  /** A picture (`element`) grew the list by `height` pixels. */
  grew(element: HTMLElement, height: number): void;
}

/**
 * Saves the bytes behind `url` as `name` (made safe) through the browser's downloads.
 *
 * @example
 * ```ts ignore
 * saveAs(url, "report.pdf");
 * ```
 */
export function saveAs(url: string, name: string): void {
  el("a", { attrs: { href: url, download: sanitizeFileName(name) } }).click();
}

/**
 * Adds Download links and previews to the lines of shared files.
 *
 * @example
 * ```ts ignore
 * const files = new FileRows(options);
 * files.decorate(div, event);
 * ```
 */
export class FileRows {
  readonly #options: FileRowOptions;
  readonly #queue: { id: number; file: FileInfo; img: HTMLImageElement }[] = [];
  #loading = 0;

  constructor(options: FileRowOptions) {
    this.#options = options;
  }

  /** Adds the controls of the file `event` announces to its line `div`. */
  decorate(div: HTMLDivElement, event: DisplayEvent): void {
    const { id, file } = event;
    if (id === undefined || file === undefined) return;
    const { complain } = this.#options;
    const link = el("a", {
      className: "download",
      attrs: { href: `#file-${id}`, "aria-label": `Download ${file.name}` },
    }, "Download");
    link.addEventListener("click", (click) => {
      click.preventDefault();
      if (link.dataset.busy) return;
      link.dataset.busy = "true";
      // A fresh link each time: they expire, and the server that signed one may have restarted.
      this.#options.downloadPath(id).then(
        (path) => saveAs(path, file.name),
        (error: Error) => complain(`Could not download ${file.name}: ${error.message}`),
      ).finally(() => delete link.dataset.busy);
    });
    div.append(" ", link);
    if (imageType(file) === undefined) return;
    const img = el("img", { className: "preview", attrs: { alt: file.name } });
    img.addEventListener("load", () => this.#options.grew(img, img.offsetHeight));
    div.append(img);
    this.#queue.push({ id, file, img });
    queueMicrotask(() => this.loadPreviews());
  }

  /** Starts loading waiting previews, a few at a time; called again once connected. */
  loadPreviews(): void {
    while (
      this.#loading < PREVIEWS_AT_ONCE && this.#queue.length > 0 && this.#options.connected()
    ) {
      const { id, file, img } = this.#queue.shift()!;
      this.#loading++;
      this.#options.transfers.fetch(id, file.name)
        .then(({ url }) => img.src = url, () => img.remove())
        .finally(() => {
          this.#loading--;
          this.loadPreviews();
        });
    }
  }
}
