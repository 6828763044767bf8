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

  /** Shares `file` with the current room; resolves once the server verified it. */
  async share(file: File): Promise<{ id: number; file: FileInfo }> {
    const view = this.#progress("Sharing", file.name, file.size);
    try {
      return await uploadFile(this.#connected(), fileSource(file), {
        createHash: portableSha256,
        chunkBytes: WEB_CHUNK_BYTES,
        onProgress: (bytes) => view.value = bytes,
      });
    } finally {
      view.parentElement?.remove();
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
          view.value = received;
        },
        end(error) {
          if (error === undefined) finished.resolve();
          else finished.reject(error);
        },
      });
      view.max = Math.max(1, ready.file.size);
      await finished.promise;
      if (received !== ready.file.size || hash.digest() !== ready.file.sha256) {
        throw new ChatError("damaged", "the file arrived damaged (SHA-256 mismatch)");
      }
      const blob = new Blob(parts as BlobPart[], {
        type: imageType(ready.file) ?? "application/octet-stream",
      });
      return { url: URL.createObjectURL(blob), file: ready.file };
    } finally {
      view.parentElement?.remove();
    }
  }

  #connected(): ChatClient {
    const client = this.#client();
    if (client === undefined) throw new ChatError("closed", "not connected right now");
    return client;
  }

  /** Adds a progress bar; the bar's parent is removed when the transfer ends. */
  #progress(verb: string, name: string, size: number): HTMLProgressElement {
    const bar = el("progress", { attrs: { "aria-label": `${verb} ${name}` } });
    bar.max = Math.max(1, size);
    bar.value = 0;
    this.#container.append(
      el(
        "div",
        { className: "transfer" },
        el("span", { className: "name" }, `${verb} ${name}`),
        bar,
      ),
    );
    return bar;
  }
}
