import { createHash } from "node:crypto";
import { dirname, join } from "@std/path";
import { type FileInfo, sanitizeFileName } from "../protocol/mod.ts";
import type { ChatClient, DownloadReady } from "./chat_client.ts";
import { ChatError } from "./chat_error.ts";
import { type IncrementalSha256, incrementalSha256 } from "../util/mod.ts";

/** A download is synced to disk every this many bytes. */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

/** Where a download goes. */
export type DownloadTarget =
  /** Into a directory, under the file's sanitized name. */
  | { kind: "directory"; path: string }
  /** To exactly this path (numbered if it exists and `force` is off). */
  | { kind: "file"; path: string }
  /** The raw bytes to a stream (stdout), nothing else. */
  | { kind: "stream"; writable: WritableStream<Uint8Array> };

/** Settings of {@linkcode downloadFile}. */
export interface DownloadOptions {
  /** Overwrite an existing file instead of saving as `name (1).ext`. */
  force?: boolean;
  /** Called once the file's name and size are known, and when it resumes (`offset` > 0). */
  onStart?: (file: FileInfo, offset: number) => void;
  onProgress?: (bytes: number) => void;
}

/**
 * Downloads file `id`, verifying its SHA-256. Into a directory or file it writes a hidden
 * partial file first (`.chat-ID.part`), so an interrupted download run again continues where
 * it stopped; only a verified file gets its real name. Resolves with the saved path (or
 * undefined for a stream) and the file's details.
 */
export async function downloadFile(
  client: ChatClient,
  id: number,
  target: DownloadTarget,
  options: DownloadOptions = {},
): Promise<{ path?: string; file: FileInfo }> {
  if (target.kind === "stream") return await toStream(client, id, target.writable, options);
  const dir = target.kind === "directory" ? target.path : dirname(target.path);
  const partial = join(dir, `.chat-${id}.part`);
  let offset = await sizeOf(partial);
  const file = await Deno.open(partial, { create: true, read: true, append: true, mode: 0o644 });
  let result: { ready: DownloadReady; received: number; hash: string };
  try {
    try {
      result = await receive(client, id, offset, file, options);
    } catch (error) {
      // A partial longer than the file (it changed on the server): start over.
      if (!(error instanceof ChatError && error.code === "bad_request" && offset > 0)) throw error;
      await file.truncate(0);
      offset = 0;
      result = await receive(client, id, 0, file, options);
    }
  } catch (error) {
    // Nothing received is worth keeping for a retry.
    if ((await file.stat()).size === 0) await Deno.remove(partial).catch(() => {});
    throw error;
  } finally {
    file.close();
  }
  const path = target.kind === "directory"
    ? join(dir, sanitizeFileName(result.ready.file.name))
    : target.path;
  if (result.received !== result.ready.file.size || result.hash !== result.ready.file.sha256) {
    await Deno.remove(partial).catch(() => {});
    throw new ChatError(
      "checksum_mismatch",
      `The download of file ${id} did not match its SHA-256 and was discarded; run the command again.`,
    );
  }
  const saved = options.force ? path : await reserveName(path);
  await Deno.rename(partial, saved);
  return { path: saved, file: result.ready.file };
}

/**
 * Receives file `id` from `offset` on into `file`, which holds the bytes before `offset`.
 * Each chunk is written at once (a synchronous write into the page cache, well under a
 * millisecond, and faster here than an asynchronous one; this connection serves nothing else)
 * while another thread hashes it for a large file, reading the connection's frame buffer in
 * place, so the next chunk is read while the last is hashed; the periodic syncs run in the
 * background. (The server writes asynchronously: a run of
 * synchronous writes would keep its event loop from every other connection.)
 */
async function receive(
  client: ChatClient,
  id: number,
  offset: number,
  file: Deno.FsFile,
  options: DownloadOptions,
): Promise<{ ready: DownloadReady; received: number; hash: string }> {
  let received = offset;
  let unsynced = 0;
  let syncing: Promise<void> = Promise.resolve();
  // Chosen once the file's size is known (from download_ready), which the chunks wait for.
  const hashing = Promise.withResolvers<IncrementalSha256>();
  // Rejected when the download fails before it starts: no chunk may wait for it then.
  hashing.promise.catch(() => {});
  const finished = Promise.withResolvers<void>();
  let hash: IncrementalSha256 | undefined;
  try {
    const ready = await client.download(id, offset, {
      async chunk(data) {
        const hash = await hashing.promise;
        // Hashed while it is written: on the hashing thread, in place when the connection's
        // buffer can be retained, else from a copy.
        const hashed = hash.update(data);
        writeAllSync(file, data);
        received += data.byteLength;
        unsynced += data.byteLength;
        // Bounded dirty data: the kernel never throttles our writes, and the last sync is short.
        if (unsynced >= SYNC_EVERY_BYTES) {
          await syncing;
          unsynced = 0;
          syncing = file.sync();
          // Its failure is seen by the next sync or the last.
          syncing.catch(() => {});
        }
        await hashed;
        options.onProgress?.(received);
      },
      end(error) {
        if (error === undefined) finished.resolve();
        else finished.reject(error);
      },
    });
    hash = incrementalSha256({ expectedBytes: ready.file.size });
    if (offset > 0) await hashPrefix(hash, file, offset);
    hashing.resolve(hash);
    options.onStart?.(ready.file, offset);
    await finished.promise;
    // The last sync runs while the hashing thread finishes.
    const [digest] = await Promise.all([hash.digest(), syncing.then(() => file.sync())]);
    return { ready, received, hash: digest };
  } catch (error) {
    hashing.reject(error);
    throw error;
  } finally {
    hash?.close();
  }
}

async function toStream(
  client: ChatClient,
  id: number,
  writable: WritableStream<Uint8Array>,
  options: DownloadOptions,
): Promise<{ file: FileInfo }> {
  const hash = createHash("sha256");
  const writer = writable.getWriter();
  let received = 0;
  const finished = Promise.withResolvers<void>();
  try {
    const ready = await client.download(id, 0, {
      async chunk(data) {
        hash.update(data);
        // The writer may keep the view; the connection reuses its read buffer.
        await writer.write(data.slice());
        received += data.byteLength;
        options.onProgress?.(received);
      },
      end(error) {
        if (error === undefined) finished.resolve();
        else finished.reject(error);
      },
    });
    options.onStart?.(ready.file, 0);
    await finished.promise;
    if (received !== ready.file.size || hash.digest("hex") !== ready.file.sha256) {
      throw new ChatError(
        "checksum_mismatch",
        `The bytes of file ${id} did not match its SHA-256; the output is damaged.`,
      );
    }
    return { file: ready.file };
  } finally {
    await writer.close().catch(() => {});
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/** Adds the first `bytes` of `file` to `hash`, reading from its start. */
async function hashPrefix(
  hash: IncrementalSha256,
  file: Deno.FsFile,
  bytes: number,
): Promise<void> {
  const buffer = new Uint8Array(1024 * 1024);
  await file.seek(0, Deno.SeekMode.Start);
  for (let done = 0; done < bytes;) {
    const length = await file.read(buffer.subarray(0, Math.min(buffer.length, bytes - done)));
    if (length === null) throw new Deno.errors.UnexpectedEof(`The partial file ended early`);
    await hash.update(buffer.subarray(0, length));
    done += length;
  }
}

function writeAllSync(file: Deno.FsFile, data: Uint8Array): void {
  let written = 0;
  while (written < data.byteLength) written += file.writeSync(data.subarray(written));
}

/**
 * Claims `path`, or `name (1).ext`, `name (2).ext`… if taken, by creating it exclusively, so
 * two downloads can never pick the same name.
 */
async function reserveName(path: string): Promise<string> {
  const dir = dirname(path);
  const base = path.slice(dir.length + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const extension = dot > 0 ? base.slice(dot) : "";
  for (let n = 0;; n++) {
    const candidate = n === 0 ? path : join(dir, `${stem} (${n})${extension}`);
    try {
      (await Deno.open(candidate, { createNew: true, write: true })).close();
      return candidate;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}
