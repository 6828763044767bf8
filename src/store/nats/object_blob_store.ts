/**
 * The cluster's {@linkcode BlobStore}: committed files in the replicated Object Store bucket
 * `${prefix}_files`, named by their SHA-256, so a file uploaded through one node downloads
 * through any other; uploads in progress on this node's disk.
 *
 * Why the bytes take this path:
 * - An upload arrives in pieces over minutes and may be suspended and resumed; it stays a
 *   {@linkcode DiskBlobStore} upload in `dir` (hashed while written, never in memory) until
 *   `commit()` has checked its SHA-256, and only then is put in the bucket, read back from the
 *   local file. A node that dies before that loses only uploads in progress; a client that
 *   fails over to another node starts its upload again there.
 * - The committed local file stays in `dir/blobs/` as this node's copy, and a node that reads a
 *   blob from the bucket from its start keeps a copy too (checked against its SHA-256 before it
 *   is kept): downloads of the same file are repeated, and a local file serves any offset at
 *   disk speed. Every read first asks the bucket whether the blob still exists, so a blob
 *   deleted through another node is never served from a copy.
 * - Objects are written, read and deleted by `_object_chunks.ts` in the Object Store's format,
 *   faster than its client and never by a purge (see there).
 * - A NATS server that dies costs time, not files: requests are retried through the leader
 *   election (up to 30 s), a publish with the same message id, and a read whose consumer
 *   stalls goes on with a new one after its last chunk. A chat node that dies during a put
 *   leaves chunks that no description names; `sweep()` on any node deletes them later.
 *
 * @module
 */
import { join } from "@std/path";
import {
  type BlobReadOptions,
  type BlobStore,
  StorageError,
  type UploadSink,
} from "../../chat/blob_store.ts";
import { DiskBlobStore } from "../disk_blob_store.ts";
import {
  assertBlobKey,
  assertReadOptions,
  missingBlobError,
  storageError,
} from "../_blob_rules.ts";
import type { NatsContext } from "./context.ts";
import { deleteObject, readObject, writeObject } from "./_object_chunks.ts";
import { type ObjectMeta, objectMeta } from "./_object_format.ts";
import { sweepOrphanChunks } from "./_object_sweep.ts";
import { copyWhileReading, rechunk } from "./_copy_while_reading.ts";

/**
 * Chunks without a description are left alone until they received nothing for this long
 * whatever `sweep()` is asked, since a put on another node may still be publishing them (its
 * retries give up after 30 s).
 */
const ORPHAN_MIN_AGE_MS = 5 * 60_000;

/** Settings of {@linkcode ObjectBlobStore.open}. */
export interface ObjectBlobStoreOptions {
  /** This node's folder for uploads in progress and copies of blobs. */
  dir: string;
}

/**
 * A {@linkcode BlobStore} in the cluster's Object Store bucket; see the module comment.
 *
 * @example Upload through one node, download through another
 * ```ts ignore
 * const a = await ObjectBlobStore.open(contextOfNodeA, { dir: "/var/lib/chat/blobs" });
 * const upload = await a.openUpload("resume-key");
 * await upload.write(bytes);
 * const blob = await upload.commit(sha256);
 * const b = await ObjectBlobStore.open(contextOfNodeB, { dir: "/var/lib/chat/blobs" });
 * for await (const chunk of b.read(blob, { offset: 0, chunkBytes: 65536 })) send(chunk);
 * ```
 */
export class ObjectBlobStore implements BlobStore {
  readonly #context: NatsContext;
  readonly #bucket: string;
  readonly #local: DiskBlobStore;
  readonly #blobsDir: string;
  readonly #fillDir: string;
  /** Blobs whose copy a read is making. */
  readonly #copying = new Set<string>();

  private constructor(context: NatsContext, local: DiskBlobStore, dir: string) {
    this.#context = context;
    this.#bucket = `${context.prefix}_files`;
    this.#local = local;
    this.#blobsDir = join(dir, "blobs");
    this.#fillDir = join(dir, "filling");
  }

  /**
   * Opens the store: creates the bucket `${prefix}_files` with `context.replicas` copies
   * unless another node did, and the local folders in `options.dir`.
   *
   * @throws {StorageError} when the local folders cannot be created.
   */
  static async open(
    context: NatsContext,
    options: ObjectBlobStoreOptions,
  ): Promise<ObjectBlobStore> {
    // Two nodes creating it at once: the one told the subjects overlap opens it a moment later.
    for (let attempt = 1;; attempt++) {
      try {
        await context.objm.create(`${context.prefix}_files`, { replicas: context.replicas });
        break;
      } catch (error) {
        if (attempt >= 5 || !/overlap|already in use/i.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
    const local = await DiskBlobStore.open(options.dir);
    const store = new ObjectBlobStore(context, local, options.dir);
    try {
      await Deno.mkdir(store.#fillDir, { recursive: true, mode: 0o700 });
      // Copies half written when the process ended are of no use.
      for await (const entry of Deno.readDir(store.#fillDir)) {
        await Deno.remove(join(store.#fillDir, entry.name)).catch(() => {});
      }
    } catch (error) {
      throw storageError("store", error);
    }
    return store;
  }

  /**
   * Opens an upload on this node's disk; its `commit()` puts the checked file in the bucket.
   * The rules and errors are the {@linkcode DiskBlobStore}'s.
   */
  async openUpload(
    resumeKey?: string,
    options: { expectedBytes?: number } = {},
  ): Promise<UploadSink> {
    const local = await this.#local.openUpload(resumeKey, options);
    return new ObjectUpload(local, (blob) => this.#publish(blob, resumeKey));
  }

  /**
   * Puts the local blob `blob` in the bucket unless it is there already. On failure its file
   * goes back to being the suspended upload `resumeKey`, so the client can resume and commit
   * again, and the commit rejects with {@linkcode StorageError}.
   */
  async #publish(blob: string, resumeKey: string | undefined): Promise<void> {
    const path = join(this.#blobsDir, blob);
    try {
      for (;;) {
        const meta = await objectMeta(this.#context, this.#bucket, blob);
        if (meta !== null && !meta.deleted) return;
        const file = await Deno.open(path, { read: true });
        // The stream closes the file when it ends or is cancelled.
        const written = await writeObject(this.#context, this.#bucket, blob, file.readable, {
          previousRevision: meta?.revision ?? 0,
        });
        // Null: another node put or deleted it meanwhile; look again.
        if (written !== null) return;
      }
    } catch (error) {
      if (resumeKey !== undefined) {
        // A link, unlike a rename, never replaces an upload opened again with the same key.
        const partial = join(this.#blobsDir, "..", "partial", `${resumeKey}.part`);
        await Deno.link(path, partial).catch(() => {});
      }
      await Deno.remove(path).catch(() => {});
      throw storageError("store", error);
    }
  }

  /**
   * Reads blob `blob` from `offset` on, in new chunks of at most `chunkBytes`: from this node's
   * copy when it has one, else from the bucket (keeping a copy when read from the start).
   *
   * @throws {TypeError} when `blob` is not 64 lowercase hex digits.
   * @throws {RangeError} when `offset` or `chunkBytes` is not a whole number in range.
   * @throws {StorageError} when the blob is not stored or cannot be read.
   */
  async *read(blob: string, options: BlobReadOptions): AsyncGenerator<Uint8Array> {
    assertBlobKey(blob);
    assertReadOptions(options);
    let meta: ObjectMeta | null;
    try {
      meta = await objectMeta(this.#context, this.#bucket, blob);
    } catch (error) {
      throw storageError("read", error);
    }
    const copy = join(this.#blobsDir, blob);
    if (meta === null || meta.deleted) {
      await Deno.remove(copy).catch(() => {});
      throw missingBlobError(blob);
    }
    if (await sizeOf(copy) === meta.size) {
      // Dated as read, so that sweep() keeps the copies in use.
      const now = new Date();
      await Deno.utime(copy, now, now).catch(() => {});
      let yielded = false;
      try {
        for await (const chunk of this.#local.read(blob, options)) {
          yielded = true;
          yield chunk;
        }
        return;
      } catch (error) {
        // Swept meanwhile: read from the bucket instead.
        if (yielded || !(error instanceof StorageError && /is not stored/.test(error.message))) {
          throw error;
        }
      }
    }
    // One read at a time makes a blob's copy: the file's first downloaders all start at once.
    const copying = options.offset === 0 && !this.#copying.has(blob);
    if (copying) this.#copying.add(blob);
    const pieces = copying
      ? this.#readKeepingCopy(meta)
      : readObject(this.#context, this.#bucket, meta, { offset: options.offset });
    yield* rechunk(pieces, meta.size - options.offset, options);
  }

  /**
   * Reads `meta`'s whole object from the bucket while writing it to a file that becomes this
   * node's copy once its SHA-256 is checked. The writes run behind the read and never slow it:
   * when more than {@linkcode COPY_BACKLOG_BYTES} wait for a slow disk, the copy is given up.
   * A wrong SHA-256 fails the read (its bytes were sent: the client's own check fails too) and
   * keeps nothing.
   */
  async *#readKeepingCopy(meta: ObjectMeta): AsyncGenerator<Uint8Array> {
    try {
      const target = join(this.#blobsDir, meta.name);
      const temporary = join(this.#fillDir, `${meta.name}.${crypto.randomUUID()}`);
      const pieces = readObject(this.#context, this.#bucket, meta, { offset: 0 });
      yield* copyWhileReading(pieces, { sha256: meta.name, temporary, target });
    } finally {
      this.#copying.delete(meta.name);
    }
  }

  /**
   * Deletes this node's suspended uploads not touched for `maxAgeMs`, its copies not read for
   * as long (not counted), and the chunks of puts that a node's death cut short before they
   * were described (that received nothing for as long, and at least 5 minutes); resolves with
   * how many uploads.
   *
   * @throws {RangeError} when `maxAgeMs` is negative or not finite.
   * @throws {StorageError} when the bucket cannot be reached.
   */
  async sweep(maxAgeMs: number): Promise<number> {
    const removed = await this.#local.sweep(maxAgeMs);
    const cutoff = Date.now() - maxAgeMs;
    for await (const entry of Deno.readDir(this.#blobsDir)) {
      const path = join(this.#blobsDir, entry.name);
      const { mtime } = await Deno.stat(path).catch(() => ({ mtime: null }));
      if (mtime !== null && mtime.getTime() <= cutoff) await Deno.remove(path).catch(() => {});
    }
    try {
      const orphanAge = Math.max(maxAgeMs, ORPHAN_MIN_AGE_MS);
      return removed + await sweepOrphanChunks(this.#context, this.#bucket, orphanAge);
    } catch (error) {
      throw storageError("delete", error);
    }
  }

  /**
   * Deletes blob `blob` from the bucket and this node's copy; false when the bucket did not
   * hold it. Other nodes' copies are never served again (reads ask the bucket first).
   *
   * @throws {TypeError} when `blob` is not 64 lowercase hex digits.
   * @throws {StorageError} when the bucket cannot be reached.
   */
  async delete(blob: string): Promise<boolean> {
    assertBlobKey(blob);
    await Deno.remove(join(this.#blobsDir, blob)).catch(() => {});
    try {
      const meta = await objectMeta(this.#context, this.#bucket, blob);
      if (meta === null || meta.deleted) return false;
      return await deleteObject(this.#context, meta);
    } catch (error) {
      throw storageError("delete", error);
    }
  }

  /**
   * Deletes every blob of the bucket and this node's suspended uploads (other nodes' suspended
   * uploads are theirs to sweep); resolves with how many.
   */
  async wipe(): Promise<number> {
    let removed = 0;
    try {
      const objects = await (await this.#context.objm.open(this.#bucket)).list();
      for (const { name } of objects) {
        const meta = await objectMeta(this.#context, this.#bucket, name);
        if (meta !== null && !meta.deleted && await deleteObject(this.#context, meta)) removed++;
      }
    } catch (error) {
      throw storageError("delete", error);
    }
    // Copies are not counted: the blobs were, above.
    for await (const entry of Deno.readDir(this.#blobsDir)) {
      await Deno.remove(join(this.#blobsDir, entry.name)).catch(() => {});
    }
    return removed + await this.#local.wipe();
  }
}

/** An upload of the local store whose commit also puts the blob in the bucket. */
class ObjectUpload implements UploadSink {
  readonly #local: UploadSink;
  readonly #publish: (blob: string) => Promise<void>;

  constructor(local: UploadSink, publish: (blob: string) => Promise<void>) {
    this.#local = local;
    this.#publish = publish;
  }

  get offset(): number {
    return this.#local.offset;
  }

  get size(): number {
    return this.#local.size;
  }

  write(data: Uint8Array): Promise<void> {
    return this.#local.write(data);
  }

  async commit(sha256: string): Promise<string> {
    const blob = await this.#local.commit(sha256);
    await this.#publish(blob);
    return blob;
  }

  suspend(): Promise<void> {
    return this.#local.suspend();
  }

  discard(): Promise<void> {
    return this.#local.discard();
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return undefined;
  }
}
