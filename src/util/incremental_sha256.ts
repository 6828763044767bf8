/**
 * A SHA-256 fed piece by piece, computed on another thread when there is much to hash, so that
 * the thread that moves a file's bytes never waits for it. That thread can also write the bytes
 * to a file (`writeTo()`), so that the caller's thread never waits for the disk either.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { FrameBufferPool } from "./frame_buffer_pool.ts";

/** Bytes handed to the hashing thread in one message. */
const PIECE_BYTES = 1024 * 1024;
/** Pieces in flight at most: what the hashing thread may lag behind, in memory held. */
const MAX_PIECES = 8;
/** Bytes the hashing thread may lag behind, in pieces and in pooled frame buffers it reads. */
const MAX_BEHIND_BYTES = MAX_PIECES * PIECE_BYTES;
/** Pooled data at least this large is hashed where it is; smaller data is copied into a piece. */
const IN_PLACE_FROM_BYTES = 64 * 1024;
/** Below this many bytes, a thread costs more (about 30 ms to start) than it saves. */
const THREADED_FROM_BYTES = 4 * 1024 * 1024;

/** An incremental SHA-256. */
export interface IncrementalSha256 {
  /**
   * Adds `data`, which must not change until the returned promise resolves; it resolves once
   * more may be added. While the hashing thread lags too far behind, it waits for it. Data in a
   * {@linkcode FrameBufferPool} buffer is retained and read there by the hashing thread, not
   * copied.
   */
  update(data: Uint8Array): Promise<void>;
  /** The SHA-256 (lowercase hex) of everything added; the hash ends. */
  digest(): Promise<string>;
  /** Abandons the hash and frees its thread; safe to call at any time, and twice. */
  close(): void;
  /**
   * When the hash runs on another thread: that thread also appends everything added from now on
   * to the existing file at `path`, with blocking writes after hashing it, so that the caller's
   * thread never waits for the disk. Returns false (and writes nothing) for a hash on this thread.
   * The pooled data it reads in place is held until written too. A failed open or write fails
   * the hash: the next `update()` or `digest()` rejects with it. `digest()` answers only after
   * every write ended and the thread closed the file (not synced: the caller syncs it).
   */
  writeTo(path: string): boolean;
  /**
   * Resolves once everything added has been written and the hashing thread closed the file
   * given to `writeTo()`; nothing is written after. Rejects if a write failed.
   */
  flushWrites(): Promise<void>;
  /** Bytes added that the hashing thread has hashed (and written, see `writeTo()`). */
  readonly doneBytes: number;
}

/**
 * Starts an incremental SHA-256. For `expectedBytes` of 4 MiB or more (or unknown), it is
 * computed by a worker thread, so the caller's thread at most copies: data in a pooled frame
 * buffer is retained and read in place, other data is copied into pieces sent to the worker
 * (at most 8 MiB in flight either way). A smaller hash is computed on the caller's thread.
 *
 * @example
 * ```ts
 * import { incrementalSha256 } from "./incremental_sha256.ts";
 * const hash = incrementalSha256();
 * await hash.update(new TextEncoder().encode("hello"));
 * console.log(await hash.digest()); // 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
 * ```
 */
export function incrementalSha256(
  options: { expectedBytes?: number } = {},
): IncrementalSha256 {
  const { expectedBytes } = options;
  if (expectedBytes !== undefined && expectedBytes < THREADED_FROM_BYTES) return new LocalSha256();
  return new ThreadedSha256();
}

class LocalSha256 implements IncrementalSha256 {
  readonly #hash = createHash("sha256");
  doneBytes = 0;

  update(data: Uint8Array): Promise<void> {
    this.#hash.update(data);
    this.doneBytes += data.byteLength;
    return Promise.resolve();
  }

  writeTo(): boolean {
    return false;
  }

  flushWrites(): Promise<void> {
    return Promise.resolve();
  }

  digest(): Promise<string> {
    return Promise.resolve(this.#hash.digest("hex"));
  }

  close(): void {}
}

/**
 * What the main thread sends the worker: a piece to hash (transferred), shared bytes to hash in
 * place, the file to append what follows to, the request to close it, or the request for the
 * digest.
 */
type ToWorker =
  | { piece: ArrayBuffer; length: number }
  | { shared: Uint8Array }
  | { open: string }
  | { flush: true }
  | { digest: true };
/**
 * What the worker answers: a piece it is done with, shared bytes it is done with, the file
 * closed, the digest, or the failure of a file operation (it then does nothing more).
 */
type FromWorker =
  | { piece: ArrayBuffer; length: number }
  | { shared: true }
  | { flushed: true }
  | { hex: string }
  | { failed: { name: string; message: string } };

/**
 * The worker's program. It runs from its source text (a blob URL), not from a file, so that a
 * server allowed to read only its data dir, or a compiled binary, can start it: it must use
 * nothing from this module's scope. It has the permissions of the program, so it may open
 * what the caller could (a server's data dir).
 */
function sha256Worker(start: () => { update(data: Uint8Array): void; digest(e: "hex"): string }) {
  const scope = self as unknown as {
    onmessage: (event: MessageEvent<ToWorker>) => void;
    postMessage(message: FromWorker, transfer?: Transferable[]): void;
  };
  const hash = start();
  let file: Deno.FsFile | undefined;
  let failed = false;
  const add = (bytes: Uint8Array) => {
    hash.update(bytes);
    if (file === undefined) return;
    let written = 0;
    while (written < bytes.byteLength) written += file.writeSync(bytes.subarray(written));
  };
  const closeFile = () => {
    const open = file;
    file = undefined;
    open?.close();
  };
  scope.onmessage = ({ data }) => {
    if (failed) return;
    try {
      if ("piece" in data) {
        add(new Uint8Array(data.piece, 0, data.length));
        scope.postMessage({ piece: data.piece, length: data.length }, [data.piece]);
      } else if ("shared" in data) {
        add(data.shared);
        scope.postMessage({ shared: true });
      } else if ("open" in data) {
        file = Deno.openSync(data.open, { append: true });
      } else if ("flush" in data) {
        closeFile();
        scope.postMessage({ flushed: true });
      } else {
        closeFile();
        scope.postMessage({ hex: hash.digest("hex") });
      }
    } catch (error) {
      failed = true;
      try {
        closeFile();
      } catch {
        // The failure reported is the first one.
      }
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      scope.postMessage({ failed: { name, message } });
    }
  };
}

const WORKER_SOURCE = `import { createHash } from "node:crypto";
(${sha256Worker.toString()})(() => createHash("sha256"));
`;

class ThreadedSha256 implements IncrementalSha256 {
  readonly #worker: Worker;
  readonly #url: string;
  /** Pieces back from the worker, ready to be filled again. */
  readonly #free: ArrayBuffer[] = [];
  #allocated = 0;
  /** Shared bytes the worker reads in place, oldest first: their size and their release. */
  readonly #shared: { bytes: number; release: () => void }[] = [];
  /** Bytes posted to the worker and not yet hashed. */
  #behind = 0;
  /** The piece being filled, and how much of it is. */
  #piece: Uint8Array | undefined;
  #filled = 0;
  /** Resolved when the worker hands back a piece or shared bytes. */
  #returned: PromiseWithResolvers<void> | undefined;
  #digest: PromiseWithResolvers<string> | undefined;
  #flushed: PromiseWithResolvers<void> | undefined;
  #failure: Error | undefined;
  doneBytes = 0;
  #closed = false;

  constructor() {
    this.#url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "text/javascript" }));
    this.#worker = new Worker(this.#url, { type: "module" });
    this.#worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if ("piece" in data) {
        this.#free.push(data.piece);
        this.#behind -= PIECE_BYTES;
        this.doneBytes += data.length;
        this.#wake();
      } else if ("shared" in data) {
        const shared = this.#shared.shift()!;
        shared.release();
        this.#behind -= shared.bytes;
        this.doneBytes += shared.bytes;
        this.#wake();
      } else if ("flushed" in data) {
        this.#flushed?.resolve();
        this.#flushed = undefined;
      } else if ("failed" in data) {
        const { name, message } = data.failed;
        const Class = (Deno.errors as Record<string, new (message: string) => Error>)[name];
        this.#fail(typeof Class === "function" ? new Class(message) : new Error(message));
      } else {
        this.#digest?.resolve(data.hex);
      }
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new Error(`The hashing thread failed: ${event.message}`));
    };
  }

  async update(data: Uint8Array): Promise<void> {
    this.#check();
    const release = data.byteLength >= IN_PLACE_FROM_BYTES
      ? FrameBufferPool.retain(data)
      : undefined;
    if (release !== undefined) {
      // In order: what was copied before goes first.
      if (this.#filled > 0) this.#post();
      this.#shared.push({ bytes: data.byteLength, release });
      this.#behind += data.byteLength;
      this.#worker.postMessage({ shared: data } satisfies ToWorker);
      while (this.#behind > MAX_BEHIND_BYTES) await this.#returnedPromise();
      return;
    }
    let offset = 0;
    while (offset < data.byteLength) {
      this.#piece ??= new Uint8Array(await this.#freePiece());
      const length = Math.min(PIECE_BYTES - this.#filled, data.byteLength - offset);
      this.#piece.set(data.subarray(offset, offset + length), this.#filled);
      this.#filled += length;
      offset += length;
      if (this.#filled === PIECE_BYTES) this.#post();
    }
  }

  writeTo(path: string): boolean {
    this.#check();
    // What was copied before is not written.
    if (this.#filled > 0) this.#post();
    this.#worker.postMessage({ open: path } satisfies ToWorker);
    return true;
  }

  async flushWrites(): Promise<void> {
    this.#check();
    if (this.#filled > 0) this.#post();
    this.#flushed ??= Promise.withResolvers();
    this.#worker.postMessage({ flush: true } satisfies ToWorker);
    await this.#flushed.promise;
  }

  async digest(): Promise<string> {
    this.#check();
    if (this.#filled > 0) this.#post();
    this.#digest = Promise.withResolvers();
    this.#worker.postMessage({ digest: true } satisfies ToWorker);
    try {
      return await this.#digest.promise;
    } finally {
      this.close();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    URL.revokeObjectURL(this.#url);
    // The worker no longer reads them.
    for (const shared of this.#shared.splice(0)) shared.release();
    this.#fail(new Error("The hash was closed."));
  }

  async #freePiece(): Promise<ArrayBuffer> {
    for (;;) {
      this.#check();
      const piece = this.#free.pop();
      if (piece !== undefined) return piece;
      if (this.#allocated < MAX_PIECES && this.#behind < MAX_BEHIND_BYTES) {
        this.#allocated++;
        return new ArrayBuffer(PIECE_BYTES);
      }
      await this.#returnedPromise();
    }
  }

  #returnedPromise(): Promise<void> {
    this.#check();
    this.#returned ??= Promise.withResolvers();
    return this.#returned.promise;
  }

  #wake(): void {
    this.#returned?.resolve();
    this.#returned = undefined;
  }

  #post(): void {
    this.#behind += PIECE_BYTES;
    const piece = this.#piece!.buffer as ArrayBuffer;
    this.#worker.postMessage({ piece, length: this.#filled } satisfies ToWorker, [piece]);
    this.#piece = undefined;
    this.#filled = 0;
  }

  #check(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#returned?.reject(this.#failure);
    this.#returned = undefined;
    this.#digest?.reject(this.#failure);
    this.#flushed?.reject(this.#failure);
    this.#flushed = undefined;
  }
}
