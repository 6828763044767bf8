/** Options of {@linkcode StoreVersionError}. */
export interface StoreVersionErrorOptions extends ErrorOptions {
  /** The path of the refused database file. */
  path: string;
  /** The storage version found in the file. */
  version: number;
  /** The newest storage version this program understands. */
  supportedVersion: number;
}

/**
 * Thrown when a data directory was written by a newer version of chat, whose storage format
 * this version cannot read without risking the data.
 *
 * @example Refuse a newer store
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { StoreVersionError } from "./store_version_error.ts";
 *
 * const error = new StoreVersionError({ path: "chat.db", version: 3, supportedVersion: 1 });
 * assertEquals(error.version, 3);
 * assertEquals(error.name, "StoreVersionError");
 * ```
 */
export class StoreVersionError extends Error {
  /** The path of the refused database file. */
  readonly path: string;
  /** The storage version found in the file. */
  readonly version: number;
  /** The newest storage version this program understands. */
  readonly supportedVersion: number;

  /** Builds the error and its one-sentence message from the path and both versions. */
  constructor(options: StoreVersionErrorOptions) {
    const { path, version, supportedVersion } = options;
    super(
      `The data in ${path} uses storage version ${version} but this chat understands only up ` +
        `to version ${supportedVersion}; upgrade chat or use another --data-dir.`,
      { cause: options.cause },
    );
    this.name = "StoreVersionError";
    this.path = path;
    this.version = version;
    this.supportedVersion = supportedVersion;
  }
}
