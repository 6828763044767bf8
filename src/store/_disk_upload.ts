/**
 * An open upload of the disk blob store, and the hashing of a partial file it resumes.
 *
 * @module
 */
import { join } from "@std/path";
import { FrameBufferPool, type IncrementalSha256 } from "../util/mod.ts";
import type { UploadSink } from "../chat/blob_store.ts";
import { checksumError, endedError, storageError } from "./_blob_rules.ts";

/** Bytes read at a time when an interrupted upload is hashed again. */
const REHASH_BYTES = 1024 * 1024;

/**
 * A large upload is synced to disk every this many bytes: unflushed data then never reaches the
 * kernel's dirty limit, past which it pauses every write, and with it the server's event loop.
 */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

/** What a {@linkcode DiskUpload} works on. */
export interface DiskUploadOptions {
  file: Deno.FsFile;
  path: string;
  /** The hash of the bytes already in `file`, to be continued. */
  hash: IncrementalSha256;
  offset: number;
  blobsDir: string;
  resumable: boolean;
  release(): void;
}

/**
 * An open upload of the disk blob store; its calls run one at a time, in call order.
 *
 * A large upload is hashed on another thread, which also writes it to the file (blocking writes,
 * one right after the other, on that thread): this thread only hands it the bytes, and reads
 * the next chunk while the last is hashed and written. Data in a pooled frame buffer
 * ({@linkcode FrameBufferPool}) is retained and read there in place, other data is copied;
 * `write()` resolves while that thread is at most 8 MiB behind. (Written from this thread with
 * async writes, each a hop to the runtime's pool and back, a 1 GiB upload took 1.23–1.26 s;
 * see bench/RESULTS.md.)
 *
 * A small upload is hashed on this thread and written from it (on a thread of the runtime's
 * pool, so this thread turns to other connections meanwhile); a pooled chunk is retained
 * until written, and `write()` resolves once it is. (Letting two writes run behind `write()`
 * was no faster, the writes still running one after the other, and made chat during a 1 GiB
 * upload slower: p99 7–11 ms against 5 ms.)
 *
 * Either way the periodic syncs run in the background (an fsync of this thread's handle covers
 * the hashing thread's writes: it syncs the file, not the handle), `commit()` syncs after every
 * write ended, and a failed write is reported by the next call.
 */
export class DiskUpload implements UploadSink {
  readonly offset: number;
  #size: number;
  readonly #options: DiskUploadOptions;
  #ended = false;
  #fileOpen = true;
  #queue: Promise<unknown> = Promise.resolve();
  /** Bytes written since the last sync began. */
  #unsynced = 0;
  /** The background sync in progress, if any; it never rejects (see `#syncFailure`). */
  #syncing: Promise<void> | undefined;
  #syncFailure: unknown;
  /** The last disk write in order (writes run one after the other); it never rejects. */
  #lastWrite: Promise<void> = Promise.resolve();
  #writeFailure: unknown;
  /** Whether the hashing thread writes the file (see `IncrementalSha256.writeTo()`). */
  readonly #threaded: boolean;
  /** The hash's `doneBytes` when the last background sync began (threaded writes). */
  #syncedBytes: number;

  constructor(options: DiskUploadOptions) {
    this.#options = options;
    this.offset = options.offset;
    this.#size = options.offset;
    this.#threaded = options.hash.writeTo(options.path);
    this.#syncedBytes = options.hash.doneBytes;
  }

  get size(): number {
    return this.#size;
  }

  write(data: Uint8Array): Promise<void> {
    return this.#serial(async () => {
      if (this.#ended) throw endedError();
      try {
        if (this.#writeFailure !== undefined) throw this.#writeFailure;
        if (this.#threaded) {
          // Hashed and written on the hashing thread; resolves while it is at most 8 MiB behind.
          await this.#options.hash.update(data);
          this.#size += data.byteLength;
          const done = this.#options.hash.doneBytes;
          if (done - this.#syncedBytes >= SYNC_EVERY_BYTES) {
            this.#syncedBytes = done;
            await this.#syncInBackground();
          }
          return;
        }
        const release = FrameBufferPool.retain(data);
        // Posted to the hash first, so that it runs while the bytes go to disk.
        const hashed = this.#options.hash.update(data);
        const written = this.#writeInOrder(data);
        written.finally(() => release?.()).catch(() => {});
        this.#size += data.byteLength;
        await Promise.all([written, hashed]);
      } catch (error) {
        await this.#remove().catch(() => {});
        throw storageError("store", error);
      }
    });
  }

  /**
   * Writes `data` after the writes before it, then starts a background sync when enough is
   * unsynced. Rejects if this write failed; a failure is also kept for the calls that follow.
   */
  #writeInOrder(data: Uint8Array): Promise<void> {
    const written = this.#lastWrite.then(async () => {
      if (this.#writeFailure !== undefined) throw this.#writeFailure;
      try {
        await writeAll(this.#options.file, data);
        this.#unsynced += data.byteLength;
        if (this.#unsynced >= SYNC_EVERY_BYTES) await this.#syncInBackground();
      } catch (error) {
        this.#writeFailure ??= error;
        throw error;
      }
    });
    this.#lastWrite = written.catch(() => {});
    return written;
  }

  /** Waits for every disk write; rejects if one failed. */
  async #writesDone(): Promise<void> {
    if (this.#threaded) return await this.#options.hash.flushWrites();
    await this.#lastWrite;
    if (this.#writeFailure !== undefined) throw this.#writeFailure;
  }

  commit(sha256: string): Promise<string> {
    return this.#serial(async () => {
      if (this.#ended) throw endedError();
      const { file, path, blobsDir, hash } = this.#options;
      // The last writes and sync run while the hashing thread finishes.
      const digesting = hash.digest();
      // The hashing thread answers the digest once it wrote everything and closed the file.
      const written = this.#threaded ? digesting : this.#writesDone();
      const [digest, synced] = await Promise.allSettled([
        digesting,
        written.then(() => this.#sync(file)),
      ]);
      if (digest.status === "rejected" || synced.status === "rejected") {
        await this.#remove().catch(() => {});
        const failed = digest.status === "rejected" ? digest : synced as PromiseRejectedResult;
        throw storageError("store", failed.reason);
      }
      const received = digest.value;
      if (received !== sha256) {
        await this.#remove().catch(() => {});
        throw checksumError(sha256, received);
      }
      try {
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
        await this.#writesDone();
      } catch {
        // What a failed write left behind is not worth resuming.
        return await this.#remove();
      }
      try {
        await this.#syncing;
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

  /**
   * Starts syncing what was written so far, after the sync before it has ended: at most two
   * syncs' worth of data is ever unflushed, and the writes go on meanwhile.
   */
  async #syncInBackground(): Promise<void> {
    await this.#syncing;
    if (this.#syncFailure !== undefined) throw this.#syncFailure;
    this.#unsynced = 0;
    this.#syncing = this.#options.file.sync().catch((error) => {
      this.#syncFailure = error;
    });
  }

  /** Syncs everything written; rejects if this or an earlier background sync failed. */
  async #sync(file: Deno.FsFile): Promise<void> {
    await this.#syncing;
    if (this.#syncFailure !== undefined) throw this.#syncFailure;
    await file.sync();
  }

  /** Runs `step` after every call made before it has settled. */
  #serial<T>(step: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(step);
    this.#queue = result.catch(() => {});
    return result;
  }

  async #remove(): Promise<void> {
    try {
      await this.#lastWrite;
      // Nothing is written once the file is gone; fails at once if the hash already ended.
      if (this.#threaded) await this.#options.hash.flushWrites().catch(() => {});
      await this.#syncing;
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
    this.#options.hash.close();
    this.#options.release();
  }
}

/**
 * Adds what `file` holds to `hash`, reading it piece by piece; leaves it positioned at its end
 * and resolves with its size.
 */
export async function hashFileInto(file: Deno.FsFile, hash: IncrementalSha256): Promise<number> {
  // Stops at the size found now, so a file that never ends (a device) cannot hang the open.
  const { size: expected } = await file.stat();
  const buffer = new Uint8Array(REHASH_BYTES);
  let size = 0;
  while (size < expected) {
    const length = await file.read(buffer.subarray(0, Math.min(buffer.length, expected - size)));
    if (length === null) break;
    await hash.update(buffer.subarray(0, length));
    size += length;
  }
  return size;
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
