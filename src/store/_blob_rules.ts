/**
 * Argument checks and error sentences shared by the blob stores, so that both accept the same
 * keys and fail with the same errors.
 *
 * @module
 */
import { BlobBusyError, ChecksumError, StorageError } from "../chat/blob_store.ts";

const RESUME_KEY = /^[a-z0-9-]{1,128}$/;
const BLOB_KEY = /^[0-9a-f]{64}$/;

/** Throws a `TypeError` unless `key` is a resume key; it becomes part of a file name. */
export function assertResumeKey(key: string): void {
  if (typeof key !== "string" || !RESUME_KEY.test(key)) {
    throw new TypeError(
      `Resume key ${JSON.stringify(key)} must be 1 to 128 lowercase letters, digits or "-"`,
    );
  }
}

/** Throws a `TypeError` unless `blob` is a blob key (a SHA-256 in lowercase hex). */
export function assertBlobKey(blob: string): void {
  if (typeof blob !== "string" || !BLOB_KEY.test(blob)) {
    throw new TypeError(`Blob key ${JSON.stringify(blob)} must be 64 lowercase hex digits`);
  }
}

/** Throws a `RangeError` unless the options of `read()` are whole numbers in range. */
export function assertReadOptions(options: { offset: number; chunkBytes: number }): void {
  const { offset, chunkBytes } = options;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`Read offset ${offset} is not a non-negative integer`);
  }
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new RangeError(`Chunk size ${chunkBytes} is not a positive integer`);
  }
}

/** Throws a `RangeError` unless `maxAgeMs` is a non-negative number of milliseconds. */
export function assertMaxAge(maxAgeMs: number): void {
  if (!(maxAgeMs >= 0) || !Number.isFinite(maxAgeMs)) {
    throw new RangeError(`Maximum age ${maxAgeMs} ms is not a non-negative number`);
  }
}

/** Another open upload holds `key`. */
export function busyError(key: string): BlobBusyError {
  return new BlobBusyError(`An upload with resume key "${key}" is already in progress.`);
}

/** The bytes held hash to `received` where the sender announced `expected`. */
export function checksumError(expected: string, received: string): ChecksumError {
  return new ChecksumError(
    `The file's SHA-256 does not match: expected ${expected}, received ${received}.`,
  );
}

/** An I/O failure while storing or reading, as one sentence that ends with the system's reason. */
export function storageError(action: "store" | "read" | "delete", error: unknown): StorageError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(
    `The server could not ${action} the file: ${reason.replace(/\.$/, "")}.`,
    { cause: error },
  );
}

/** `read()` of a blob that is not stored. */
export function missingBlobError(blob: string): StorageError {
  return new StorageError(`The server could not read the file: blob ${blob} is not stored.`);
}

/** A call on an upload after its `commit`, or after a failed write discarded it. */
export function endedError(): Error {
  return new Error("The upload has already ended; open a new one.");
}
