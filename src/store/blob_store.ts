/**
 * An upload in progress: bytes are appended as they arrive and hashed on the way, so the whole
 * file is never in memory. It ends in exactly one of `commit`, `suspend` or `discard`.
 */
export interface UploadSink {
  /** Bytes already held when the upload was opened: non-zero when it resumes. */
  readonly offset: number;
  /** Bytes held now. */
  readonly size: number;
  /** Appends bytes. Rejects with {@linkcode StorageError} when they cannot be stored. */
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

/** Where the bytes of shared files live. */
export interface BlobStore {
  /**
   * Opens an upload. With a `resumeKey` (lowercase letters, digits and `-` only), bytes kept
   * by a suspended upload with the same key are resumed: `offset` says how many. Rejects with
   * {@linkcode BlobBusyError} while another open upload holds the same key.
   */
  openUpload(resumeKey?: string): Promise<UploadSink>;
  /** Reads a committed blob from `offset` on, in pieces of at most `chunkBytes`. */
  read(blob: string, options: { offset: number; chunkBytes: number }): AsyncIterable<Uint8Array>;
  /** Deletes suspended uploads not touched for `maxAgeMs`; resolves with how many. */
  sweep(maxAgeMs: number): Promise<number>;
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
