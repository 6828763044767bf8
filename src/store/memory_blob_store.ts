import type { BlobReadOptions, BlobStore, UploadSink } from "../chat/blob_store.ts";
import {
  assertBlobKey,
  assertMaxAge,
  assertReadOptions,
  assertResumeKey,
  busyError,
  checksumError,
  endedError,
  missingBlobError,
  storageError,
} from "./_blob_rules.ts";

/** Options of {@linkcode MemoryBlobStore}. */
export interface MemoryBlobStoreOptions {
  /**
   * Simulates a full disk: once uploads have been written this many bytes in total, the write
   * that would pass the limit discards its upload and rejects with {@linkcode StorageError}.
   */
  failWritesAfter?: number;
  /** The clock that dates suspended uploads for `sweep()`, in milliseconds. */
  now?: () => number;
}

interface Held {
  chunks: Uint8Array[];
  size: number;
}

interface Suspended extends Held {
  touchedAt: number;
}

/**
 * A {@linkcode BlobStore} in memory, for tests: the same keys, resumption, busy keys, checks
 * and errors as the disk store, and an optional simulated full disk. Like the disk store, it
 * deletes an upload without a resume key when it is suspended, since it could never resume.
 *
 * @example Resume an upload
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryBlobStore } from "./memory_blob_store.ts";
 *
 * const store = new MemoryBlobStore();
 * const first = await store.openUpload("greeting");
 * await first.write(new TextEncoder().encode("hel"));
 * await first.suspend();
 * const second = await store.openUpload("greeting");
 * assertEquals(second.offset, 3);
 * await second.write(new TextEncoder().encode("lo"));
 * const sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
 * assertEquals(await second.commit(sha256), sha256);
 * ```
 */
export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, Uint8Array>();
  readonly #suspended = new Map<string, Suspended>();
  readonly #open = new Set<string>();
  readonly #failWritesAfter: number;
  readonly #now: () => number;
  #written = 0;

  /** Creates an empty store. */
  constructor(options: MemoryBlobStoreOptions = {}) {
    this.#failWritesAfter = options.failWritesAfter ?? Infinity;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Opens an upload, continuing the one suspended with `resumeKey` if there is one.
   *
   * @throws {TypeError} when `resumeKey` is not 1 to 128 lowercase letters, digits or `-`.
   * @throws {BlobBusyError} while another open upload holds `resumeKey`.
   */
  openUpload(resumeKey?: string): Promise<UploadSink> {
    try {
      if (resumeKey === undefined) return Promise.resolve(this.#upload(undefined, emptyHeld()));
      assertResumeKey(resumeKey);
      if (this.#open.has(resumeKey)) throw busyError(resumeKey);
      this.#open.add(resumeKey);
      const held = this.#suspended.get(resumeKey) ?? emptyHeld();
      this.#suspended.delete(resumeKey);
      return Promise.resolve(this.#upload(resumeKey, held));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Reads blob `blob` from `offset` on, in new chunks of at most `chunkBytes`.
   *
   * @throws {TypeError} when `blob` is not 64 lowercase hex digits.
   * @throws {RangeError} when `offset` or `chunkBytes` is not a whole number in range.
   * @throws {StorageError} when the blob is not stored.
   */
  async *read(blob: string, options: BlobReadOptions): AsyncGenerator<Uint8Array> {
    assertBlobKey(blob);
    assertReadOptions(options);
    const bytes = this.#blobs.get(blob);
    if (bytes === undefined) throw missingBlobError(blob);
    for (let start = options.offset; start < bytes.length; start += options.chunkBytes) {
      const piece = bytes.subarray(start, start + options.chunkBytes);
      if (options.allocate === undefined) {
        yield piece.slice();
      } else {
        const chunk = options.allocate(piece.byteLength);
        chunk.set(piece);
        yield chunk;
      }
    }
  }

  /** Deletes suspended uploads not touched for `maxAgeMs` by the clock; resolves with how many. */
  sweep(maxAgeMs: number): Promise<number> {
    try {
      assertMaxAge(maxAgeMs);
    } catch (error) {
      return Promise.reject(error);
    }
    const cutoff = this.#now() - maxAgeMs;
    let removed = 0;
    for (const [key, suspended] of this.#suspended) {
      if (suspended.touchedAt > cutoff) continue;
      this.#suspended.delete(key);
      removed++;
    }
    return Promise.resolve(removed);
  }

  /** Deletes committed blob `blob`; false when it was not stored. */
  delete(blob: string): Promise<boolean> {
    try {
      assertBlobKey(blob);
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(this.#blobs.delete(blob));
  }

  /** Deletes every committed blob and suspended upload not held by an open one. */
  wipe(): Promise<number> {
    let removed = this.#blobs.size;
    this.#blobs.clear();
    for (const key of this.#suspended.keys()) {
      if (this.#open.has(key)) continue;
      this.#suspended.delete(key);
      removed++;
    }
    return Promise.resolve(removed);
  }

  #upload(resumeKey: string | undefined, held: Held): UploadSink {
    return new MemoryUpload(held, {
      reserve: (bytes) => {
        if (this.#written + bytes > this.#failWritesAfter) return false;
        this.#written += bytes;
        return true;
      },
      end: () => {
        if (resumeKey !== undefined) this.#open.delete(resumeKey);
      },
      keep: (kept) => {
        // Without a key nobody could resume it: suspending deletes it, as on disk.
        if (resumeKey !== undefined) {
          this.#suspended.set(resumeKey, { ...kept, touchedAt: this.#now() });
        }
      },
      store: (blob, bytes) => {
        if (!this.#blobs.has(blob)) this.#blobs.set(blob, bytes);
      },
    });
  }
}

/** What a {@linkcode MemoryUpload} asks of its store. */
interface UploadHost {
  /** Counts `bytes` against the simulated disk; false when they do not fit. */
  reserve(bytes: number): boolean;
  /** Releases the resume key. */
  end(): void;
  /** Keeps the bytes for a resumption. */
  keep(held: Held): void;
  /** Stores a committed blob, unless the same content is stored already. */
  store(blob: string, bytes: Uint8Array): void;
}

/** An open upload of a {@linkcode MemoryBlobStore}. */
class MemoryUpload implements UploadSink {
  readonly offset: number;
  readonly #held: Held;
  readonly #host: UploadHost;
  #ended = false;

  constructor(held: Held, host: UploadHost) {
    this.offset = held.size;
    this.#held = held;
    this.#host = host;
  }

  get size(): number {
    return this.#held.size;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.#ended) return Promise.reject(endedError());
    if (!this.#host.reserve(data.byteLength)) {
      this.#end();
      const full = new Error("No space left on device (simulated)");
      return Promise.reject(storageError("store", full));
    }
    this.#held.chunks.push(data.slice());
    this.#held.size += data.byteLength;
    return Promise.resolve();
  }

  async commit(sha256: string): Promise<string> {
    if (this.#ended) throw endedError();
    this.#end();
    const bytes = concat(this.#held);
    const received = await sha256Hex(bytes);
    if (received !== sha256) throw checksumError(sha256, received);
    this.#host.store(received, bytes);
    return received;
  }

  suspend(): Promise<void> {
    if (!this.#ended) {
      this.#end();
      this.#host.keep(this.#held);
    }
    return Promise.resolve();
  }

  discard(): Promise<void> {
    if (!this.#ended) this.#end();
    return Promise.resolve();
  }

  #end(): void {
    this.#ended = true;
    this.#host.end();
  }
}

function emptyHeld(): Held {
  return { chunks: [], size: 0 };
}

function concat(held: Held): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(held.size);
  let offset = 0;
  for (const chunk of held.chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
