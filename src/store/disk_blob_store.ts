import { join } from "@std/path";
import type { BlobReadOptions, BlobStore, UploadSink } from "../chat/blob_store.ts";
import {
  assertBlobKey,
  assertMaxAge,
  assertReadOptions,
  assertResumeKey,
  busyError,
  missingBlobError,
  storageError,
} from "./_blob_rules.ts";
import { DiskUpload, hashFileInto } from "./_disk_upload.ts";
import { incrementalSha256, readFull } from "../util/mod.ts";

/**
 * A {@linkcode BlobStore} in a folder: committed blobs are files named after their SHA-256 in
 * `blobs/`, so identical files are stored once; uploads in progress are `partial/<name>.part`.
 *
 * An upload is hashed as it is written, and a resumed one is hashed again from its file, so no
 * file is ever held in memory. An upload opened without a resume key can never be resumed, so
 * `suspend()` deletes it like `discard()`.
 *
 * @example Store and read back a file
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DiskBlobStore } from "./disk_blob_store.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = await DiskBlobStore.open(dir);
 * const upload = await store.openUpload();
 * await upload.write(new TextEncoder().encode("hello"));
 * const sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
 * const blob = await upload.commit(sha256);
 * const chunks = await Array.fromAsync(store.read(blob, { offset: 1, chunkBytes: 2 }));
 * assertEquals(chunks.map((chunk) => new TextDecoder().decode(chunk)), ["el", "lo"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class DiskBlobStore implements BlobStore {
  readonly #blobsDir: string;
  readonly #partialDir: string;
  /** Names of partial files in use by an open upload or by `sweep()`. */
  readonly #busy = new Set<string>();

  private constructor(dir: string) {
    this.#blobsDir = join(dir, "blobs");
    this.#partialDir = join(dir, "partial");
  }

  /**
   * Opens the store in `dir`, creating `dir/blobs` and `dir/partial` (readable by the owner
   * only) when missing.
   *
   * @throws {StorageError} when the folders cannot be created.
   */
  static async open(dir: string): Promise<DiskBlobStore> {
    const store = new DiskBlobStore(dir);
    try {
      await Deno.mkdir(store.#blobsDir, { recursive: true, mode: 0o700 });
      await Deno.mkdir(store.#partialDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw storageError("store", error);
    }
    return store;
  }

  /**
   * Opens an upload. With `resumeKey`, an upload suspended with the same key is continued:
   * its bytes are hashed again and `offset` is their count. `expectedBytes`, the size announced,
   * lets a small upload be hashed on this thread rather than on a worker thread.
   *
   * @throws {TypeError} when `resumeKey` is not 1 to 128 lowercase letters, digits or `-`.
   * @throws {BlobBusyError} while another open upload holds `resumeKey`.
   * @throws {StorageError} when the partial file cannot be opened or read.
   */
  async openUpload(
    resumeKey?: string,
    options: { expectedBytes?: number } = {},
  ): Promise<UploadSink> {
    if (resumeKey !== undefined) assertResumeKey(resumeKey);
    // "_" is not allowed in resume keys, so a random name never meets a resumed one.
    const name = resumeKey ?? `_${crypto.randomUUID()}`;
    // Claimed before the first await, so a second open of the same key fails at once.
    if (this.#busy.has(name)) throw busyError(name);
    this.#busy.add(name);
    const release = () => this.#busy.delete(name);
    const path = join(this.#partialDir, `${name}.part`);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true, append: true, create: true });
    } catch (error) {
      release();
      throw storageError("store", error);
    }
    const hash = incrementalSha256(options);
    try {
      const size = await hashFileInto(file, hash);
      return new DiskUpload({
        file,
        path,
        hash,
        offset: size,
        blobsDir: this.#blobsDir,
        resumable: resumeKey !== undefined,
        release,
      });
    } catch (error) {
      hash.close();
      file.close();
      release();
      throw storageError("store", error);
    }
  }

  /**
   * Reads blob `blob` from `offset` on, in new chunks of at most `chunkBytes`. The file is
   * closed when the reading ends, fails or is stopped early.
   *
   * @throws {TypeError} when `blob` is not 64 lowercase hex digits.
   * @throws {RangeError} when `offset` or `chunkBytes` is not a whole number in range.
   * @throws {StorageError} when the blob is not stored or cannot be read.
   */
  async *read(blob: string, options: BlobReadOptions): AsyncGenerator<Uint8Array> {
    assertBlobKey(blob);
    assertReadOptions(options);
    const allocate = options.allocate ?? ((bytes: number) => new Uint8Array(bytes));
    let file: Deno.FsFile;
    try {
      file = await Deno.open(join(this.#blobsDir, blob), { read: true });
    } catch (error) {
      throw error instanceof Deno.errors.NotFound
        ? missingBlobError(blob)
        : storageError("read", error);
    }
    try {
      let size: number;
      let position: number;
      try {
        size = (await file.stat()).size;
        position = await file.seek(options.offset, Deno.SeekMode.Start);
      } catch (error) {
        throw storageError("read", error);
      }
      while (position < size) {
        const chunk = allocate(Math.min(options.chunkBytes, size - position));
        let length: number;
        try {
          length = await readFull(file, chunk);
        } catch (error) {
          throw storageError("read", error);
        }
        if (length === 0) return;
        position += length;
        yield length === chunk.length ? chunk : chunk.subarray(0, length);
      }
    } finally {
      file.close();
    }
  }

  /**
   * Deletes committed blob `blob` (unlinks its file: a read under way finishes); false when it
   * was not stored.
   *
   * @throws {TypeError} when `blob` is not 64 lowercase hex digits.
   */
  async delete(blob: string): Promise<boolean> {
    assertBlobKey(blob);
    return await this.#removeIfThere(join(this.#blobsDir, blob));
  }

  /** Deletes every committed blob, and every partial upload that no open upload holds. */
  async wipe(): Promise<number> {
    let removed = 0;
    for await (const entry of Deno.readDir(this.#blobsDir)) {
      if (entry.isFile && await this.#removeIfThere(join(this.#blobsDir, entry.name))) removed++;
    }
    for await (const entry of Deno.readDir(this.#partialDir)) {
      if (!entry.isFile || !entry.name.endsWith(".part")) continue;
      const name = entry.name.slice(0, -5);
      if (this.#busy.has(name)) continue;
      if (await this.#removeIfThere(join(this.#partialDir, entry.name))) removed++;
    }
    return removed;
  }

  async #removeIfThere(path: string): Promise<boolean> {
    try {
      await Deno.remove(path);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw storageError("delete", error);
    }
  }

  /**
   * Deletes every `partial/*.part` not written, suspended or resumed for `maxAgeMs` and not
   * held by an open upload. While a file is being deleted its key is busy.
   *
   * @throws {RangeError} when `maxAgeMs` is negative or not finite.
   */
  async sweep(maxAgeMs: number): Promise<number> {
    assertMaxAge(maxAgeMs);
    const cutoff = Date.now() - maxAgeMs;
    const names: string[] = [];
    for await (const entry of Deno.readDir(this.#partialDir)) {
      if (entry.isFile && entry.name.endsWith(".part")) names.push(entry.name.slice(0, -5));
    }
    let removed = 0;
    for (const name of names) {
      if (this.#busy.has(name)) continue;
      this.#busy.add(name);
      const path = join(this.#partialDir, `${name}.part`);
      try {
        const { mtime } = await Deno.lstat(path);
        if (mtime !== null && mtime.getTime() <= cutoff) {
          await Deno.remove(path);
          removed++;
        }
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      } finally {
        this.#busy.delete(name);
      }
    }
    return removed;
  }
}
