/**
 * An open upload of the disk blob store, and the hashing of a partial file it resumes.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { join } from "@std/path";
import type { UploadSink } from "./blob_store.ts";
import { checksumError, endedError, storageError } from "./_blob_rules.ts";

/** Bytes read at a time when an interrupted upload is hashed again. */
const REHASH_BYTES = 64 * 1024;

/** What a {@linkcode DiskUpload} works on. */
export interface DiskUploadOptions {
  file: Deno.FsFile;
  path: string;
  hash: Hash;
  offset: number;
  blobsDir: string;
  resumable: boolean;
  release(): void;
}

/** An open upload of the disk blob store; its calls run one at a time, in call order. */
/**
 * A large upload is synced to disk every this many bytes: unflushed data then never reaches the
 * kernel's dirty limit, past which it pauses every write, and with it the server's event loop.
 */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

export class DiskUpload implements UploadSink {
  readonly offset: number;
  #size: number;
  readonly #options: DiskUploadOptions;
  #ended = false;
  #fileOpen = true;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: DiskUploadOptions) {
    this.#options = options;
    this.offset = options.offset;
    this.#size = options.offset;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes written since the last sync. */
  #unsynced = 0;

  write(data: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      if (this.#ended) throw endedError();
      try {
        await writeAll(this.#options.file, data);
      } catch (error) {
        await this.#remove().catch(() => {});
        throw storageError("store", error);
      }
      this.#options.hash.update(data);
      this.#size += data.byteLength;
      this.#unsynced += data.byteLength;
      if (this.#unsynced >= SYNC_EVERY_BYTES) {
        this.#unsynced = 0;
        await this.#options.file.sync();
      }
    });
  }

  commit(sha256: string): Promise<string> {
    return this.#serial(async () => {
      if (this.#ended) throw endedError();
      const received = this.#options.hash.digest("hex");
      if (received !== sha256) {
        await this.#remove().catch(() => {});
        throw checksumError(sha256, received);
      }
      const { file, path, blobsDir } = this.#options;
      try {
        await file.sync();
        this.#close();
        const blobPath = join(blobsDir, received);
        if (await exists(blobPath)) await Deno.remove(path);
        else await Deno.rename(path, blobPath);
      } catch (error) {
        await this.#remove().catch(() => {});
        throw storageError("store", error);
      }
      this.#end();
      return received;
    });
  }

  suspend(): Promise<void> {
    return this.#serial(async () => {
      if (this.#ended) return;
      if (!this.#options.resumable) return await this.#remove();
      try {
        this.#close();
        // Writes set the time already; a resumed upload that received nothing did not.
        const now = new Date();
        await Deno.utime(this.#options.path, now, now);
      } finally {
        this.#end();
      }
    });
  }

  discard(): Promise<void> {
    return this.#serial(async () => {
      if (!this.#ended) await this.#remove();
    });
  }

  /** Runs `step` after every call made before it has settled. */
  #serial<T>(step: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(step);
    this.#queue = result.catch(() => {});
    return result;
  }

  async #remove(): Promise<void> {
    try {
      this.#close();
      await Deno.remove(this.#options.path).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    } finally {
      this.#end();
    }
  }

  #close(): void {
    if (!this.#fileOpen) return;
    this.#fileOpen = false;
    this.#options.file.close();
  }

  #end(): void {
    this.#ended = true;
    this.#close();
    this.#options.release();
  }
}

/** Hashes what `file` holds, reading it piece by piece; leaves it positioned at its end. */
export async function hashFile(file: Deno.FsFile): Promise<{ hash: Hash; size: number }> {
  const hash = createHash("sha256");
  // Stops at the size found now, so a file that never ends (a device) cannot hang the open.
  const { size: expected } = await file.stat();
  const buffer = new Uint8Array(REHASH_BYTES);
  let size = 0;
  while (size < expected) {
    const length = await file.read(buffer.subarray(0, Math.min(buffer.length, expected - size)));
    if (length === null) break;
    hash.update(buffer.subarray(0, length));
    size += length;
  }
  return { hash, size };
}

async function writeAll(file: Deno.FsFile, data: Uint8Array): Promise<void> {
  let written = 0;
  while (written < data.byteLength) written += await file.write(data.subarray(written));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
