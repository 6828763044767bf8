/**
 * An upload in progress: bytes are appended as they arrive and hashed on the way, so the whole
 * file is never in memory. It ends in exactly one of `commit`, `suspend` or `discard`.
 */
export interface UploadSink {
  /** Bytes already held when the upload was opened: non-zero when it resumes. */
  readonly offset: number;
  /** Bytes held now. */
  readonly size: number;
  /**
   * Appends bytes. The sink does not keep `data` once the returned promise resolves, so the
   * caller may reuse it then; the promise may resolve before the bytes are durable (that is
   * `commit`'s job) and waits when the sink has too much in hand. Rejects with
   * {@linkcode StorageError} when the bytes cannot be stored.
   */
  write(data: Uint8Array): Promise<void>;
  /**
   * Checks the SHA-256 (lowercase hex) of everything held, then makes it permanent and returns
   * the blob's key. On a mismatch it discards the bytes and rejects with
   * {@linkcode ChecksumError}.
   */
  commit(sha256: string): Promise<string>;
  /** Keeps the bytes so a later upload with the same resume key continues after them. */
  suspend(): Promise<void>;
  /** Deletes the bytes. */
  discard(): Promise<void>;
}

/** Options of {@linkcode BlobStore.read}. */
export interface BlobReadOptions {
  offset: number;
  chunkBytes: number;
  /** Makes the buffer for a piece of `bytes` bytes; default `new Uint8Array(bytes)`. */
  allocate?: (bytes: number) => Uint8Array;
}

/** Where the bytes of shared files live. */
export interface BlobStore {
  /**
   * Opens an upload. With a `resumeKey` (lowercase letters, digits and `-` only), bytes kept
   * by a suspended upload with the same key are resumed: `offset` says how many. Rejects with
   * {@linkcode BlobBusyError} while another open upload holds the same key. `expectedBytes`, the
   * size announced by the sender if it did, is only a hint for how to hash.
   */
  openUpload(resumeKey?: string, options?: { expectedBytes?: number }): Promise<UploadSink>;
  /**
   * Reads a committed blob from `offset` on, in pieces of at most `chunkBytes`, each a new
   * buffer (from `allocate` when given, such as one with room for a frame header before it).
   */
  read(blob: string, options: BlobReadOptions): AsyncIterable<Uint8Array>;
  /** Deletes suspended uploads not touched for `maxAgeMs`; resolves with how many. */
  sweep(maxAgeMs: number): Promise<number>;
  /**
   * Deletes the committed blob `blob`; resolves with false when it was not stored. A read already
   * under way may finish.
   *
   * @throws {TypeError} when `blob` is not 64 lowercase hex digits.
   */
  delete(blob: string): Promise<boolean>;
  /**
   * Deletes every committed blob and every suspended upload not held by an open upload; resolves
   * with how many blobs and uploads it deleted.
   */
  wipe(): Promise<number>;
}

/** Bytes could not be stored (disk full, permissions); the message says which. */
export class StorageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StorageError";
  }
}

/** The bytes received do not have the SHA-256 the sender announced. */
export class ChecksumError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChecksumError";
  }
}

/** Another upload with the same resume key is in progress. */
export class BlobBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlobBusyError";
  }
}
