/**
 * Files in the browser: sharing a `File` (from the button, a drop, or `/file`) and fetching a
 * shared file into memory, both through the client core's upload and download, hashed with the
 * portable SHA-256 (a page on a LAN address has no `crypto.subtle`), each with a progress bar.
 *
 * @module
 */
import type { ChatClient } from "../src/client/chat_client.ts";
import { ChatError } from "../src/client/chat_error.ts";
import { uploadFile, type UploadSource } from "../src/client/file_upload.ts";
import type { FileInfo } from "../src/protocol/messages.ts";
import { portableSha256 } from "../src/util/portable_sha256.ts";
import { el } from "./elements.ts";

/** Bytes of file data per chunk: smaller than the terminal's, so progress moves on a phone. */
const WEB_CHUNK_BYTES = 256 * 1024;
/** Pictures up to this size are shown inline. */
const PREVIEW_MAX_BYTES = 8 * 1024 * 1024;
const IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/**
 * The MIME type to show a file as a picture with, or undefined when it is not one (or too big).
 *
 * @example
 * ```ts ignore
 * imageType({ name: "cat.JPG", size: 1000, sha256: "…" }); // "image/jpeg"
 * ```
 */
export function imageType(file: FileInfo): string | undefined {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? "";
  return file.size <= PREVIEW_MAX_BYTES ? IMAGE_TYPES[extension] : undefined;
}

/** A browser `File` as the source of an upload, read a slice at a time. */
function fileSource(file: File): UploadSource {
  return {
    name: file.name,
    size: file.size,
    open(offset) {
      let at = offset;
      return Promise.resolve({
        async read(buffer: Uint8Array) {
          if (at >= file.size) return null;
          const bytes = new Uint8Array(await file.slice(at, at + buffer.length).arrayBuffer());
          buffer.set(bytes);
          at += bytes.length;
          return bytes.length;
        },
        close() {},
      });
    },
  };
}

/**
 * Uploads and downloads with their progress bars in `#transfers`.
 *
 * @example
 * ```ts ignore
 * const transfers = new Transfers(page.transfers, () => client.current);
 * const { id } = await transfers.share(file);
 * ```
 */
export class Transfers {
  readonly #container: HTMLElement;
  readonly #client: () => ChatClient | undefined;
  /** Object URLs of files fetched already, by id: a file is downloaded once per page. */
  readonly #fetched = new Map<number, Promise<{ url: string; file: FileInfo }>>();

  constructor(container: HTMLElement, client: () => ChatClient | undefined) {
    this.#container = container;
    this.#client = client;
  }

  /**
   * Shares `file` with the current room, or only with the person `to`; resolves once the server
   * verified it. A lost connection does not lose the upload: once the page is connected again it
   * goes on from where the server's copy stopped (for up to {@linkcode RESUME_FOR_MS}). The Cancel button beside the
   * progress bar stops it; then it rejects with `cancelled`.
   */
  async share(file: File, options: { to?: string } = {}): Promise<{ id: number; file: FileInfo }> {
    const abort = new AbortController();
    const view = this.#progress("Sharing", file.name, file.size, () => abort.abort());
    const source = { ...fileSource(file), resumeKey: resumeKeyOf(file) };
    const giveUpAt = Date.now() + RESUME_FOR_MS;
    try {
      for (;;) {
        const client = this.#connected();
        try {
          return await uploadFile(client, source, {
            createHash: portableSha256,
            chunkBytes: WEB_CHUNK_BYTES,
            onProgress: (bytes) => view.update(bytes),
            signal: abort.signal,
            to: options.to,
          });
        } catch (error) {
          // The connection went, not the upload: it goes on once a new one is up.
          if (!client.ended || abort.signal.aborted || Date.now() > giveUpAt) throw error;
          view.waiting();
          await this.#reconnected(abort.signal, giveUpAt);
        }
      }
    } finally {
      view.remove();
    }
  }

  /** Resolves once a connection is up again; rejects when cancelled or too late. */
  async #reconnected(signal: AbortSignal, giveUpAt: number): Promise<void> {
    while (this.#client() === undefined) {
      if (signal.aborted) throw new ChatError("cancelled", "The upload was cancelled.");
      if (Date.now() > giveUpAt) throw new ChatError("closed", "the connection did not come back");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /**
   * Downloads file `id` (once per page), checks its SHA-256 and resolves with an object URL of
   * its bytes, typed as a picture when it is one. `label` names it on the progress bar.
   */
  fetch(id: number, label: string): Promise<{ url: string; file: FileInfo }> {
    let fetched = this.#fetched.get(id);
    if (fetched === undefined) {
      fetched = this.#download(id, label);
      this.#fetched.set(id, fetched);
      fetched.catch(() => this.#fetched.delete(id));
    }
    return fetched;
  }

  async #download(id: number, label: string): Promise<{ url: string; file: FileInfo }> {
    const client = this.#connected();
    const view = this.#progress("Fetching", label, 1);
    try {
      const parts: Uint8Array[] = [];
      const hash = portableSha256();
      let received = 0;
      const finished = Promise.withResolvers<void>();
      const ready = await client.download(id, 0, {
        chunk(data) {
          // The connection may reuse the bytes it handed over.
          parts.push(data.slice());
          hash.update(data);
          received += data.byteLength;
          view.update(received);
        },
        end(error) {
          if (error === undefined) finished.resolve();
          else finished.reject(error);
        },
      });
      view.bar.max = Math.max(1, ready.file.size);
      await finished.promise;
      if (received !== ready.file.size || hash.digest() !== ready.file.sha256) {
        throw new ChatError("damaged", "the file arrived damaged (SHA-256 mismatch)");
      }
      const blob = new Blob(parts as BlobPart[], {
        type: imageType(ready.file) ?? "application/octet-stream",
      });
      return { url: URL.createObjectURL(blob), file: ready.file };
    } finally {
      view.remove();
    }
  }

  #connected(): ChatClient {
    const client = this.#client();
    if (client === undefined) throw new ChatError("closed", "not connected right now");
    return client;
  }

  /**
   * Adds a progress bar with its percentage, and a Cancel button when `cancel` is given; the
   * returned view updates and removes them.
   */
  #progress(verb: string, name: string, size: number, cancel?: () => void): ProgressView {
    const bar = el("progress", { attrs: { "aria-label": `${verb} ${name}` } });
    bar.max = Math.max(1, size);
    bar.value = 0;
    const percent = el("span", { className: "percent", attrs: { "aria-hidden": "true" } }, "0 %");
    const row = el(
      "div",
      { className: "transfer" },
      el("span", { className: "name" }, `${verb} ${name}`),
      bar,
      percent,
    );
    if (cancel !== undefined) {
      const button = el(
        "button",
        { attrs: { type: "button", "aria-label": `Cancel ${name}` } },
        "Cancel",
      );
      button.addEventListener("click", cancel, { once: true });
      row.append(button);
    }
    this.#container.append(row);
    return {
      bar,
      update(bytes: number) {
        bar.value = bytes;
        percent.textContent = `${Math.floor((100 * bytes) / bar.max)} %`;
      },
      waiting() {
        percent.textContent = "waiting for the connection…";
      },
      remove: () => row.remove(),
    };
  }
}

/** A transfer's progress bar as the code that runs the transfer sees it. */
interface ProgressView {
  bar: HTMLProgressElement;
  update(bytes: number): void;
  /** Says that the transfer waits for the connection to come back. */
  waiting(): void;
  remove(): void;
}

/** How long an upload waits for a lost connection to come back before it gives up. */
const RESUME_FOR_MS = 2 * 60 * 1000;

/**
 * The resume key of a file: the same file (name, size, modification time) gets the same key, so
 * that a retry continues it on the server (PROTOCOL.md section 6.2).
 */
function resumeKeyOf(file: File): string {
  const hash = portableSha256();
  hash.update(new TextEncoder().encode(`${file.name}\n${file.size}\n${file.lastModified}`));
  return `web-${hash.digest().slice(0, 32)}`;
}
