/**
 * Objects of a NATS Object Store bucket written, read and deleted in its own format (stream
 * `OBJ_<bucket>`, chunks on `$O.<bucket>.C.<nuid>`, the description on
 * `$O.<bucket>.M.<base64url name>`), so `nats object get` still reads them, but without three
 * habits of the `@nats-io/obj` client:
 *
 * - it publishes one chunk at a time and waits for each acknowledgement, with 128 KiB chunks
 *   and a hash in JavaScript: 256 MiB put at 19–25 MiB/s on a cluster of three here. With 32
 *   chunks of 256 KiB in flight (each with a message id, so a retry after a lost
 *   acknowledgement is not stored twice) and `node:crypto`, 99–115 MiB/s (bench/object_store.ts,
 *   on a machine shared with other work);
 * - it purges by subject (to delete, to replace, after a failed put): on nats-server 2.9 a
 *   filtered purge replayed on a restarted replica purges the whole stream there
 *   (nats-server #4196). Here every chunk is deleted by its sequence, which the description
 *   keeps as runs (`first:count,…`), and nothing is ever purged;
 * - its reads always start at the first chunk: with the runs, a read from an offset starts an
 *   ordered consumer at the sequence of the chunk that holds it.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { NatsContext } from "./context.ts";
import { Base64UrlPaddedCodec } from "@nats-io/obj";

/**
 * Bytes a chunk: of 128 KiB, 256 KiB and 1 MiB, 256 KiB with 16 to 64 in flight put fastest on
 * a cluster of three (bench/object_store.ts); at most the servers' `max_payload` less room for
 * the message id header.
 */
export const CHUNK_BYTES = 256 * 1024;
/** Chunks published and not yet acknowledged, at most: 8 MiB. */
const IN_FLIGHT = 32;
/** How long a request is retried (a leader election takes 5–7 s) before it fails. */
const RETRY_DEADLINE_MS = 30_000;
/**
 * A read that receives nothing for this long starts a new consumer after the last chunk it
 * received (an ordered consumer did not recover from its server's death in one of two runs,
 * issue 17), and gives up after this many consumers.
 */
const READ_IDLE_MS = 10_000;
const READ_ATTEMPTS = 4;
/** The metadata entry that holds the sequences of the chunks. */
const RUNS = "chat-chunk-runs";
/**
 * Runs longer than this (chunks of many puts interleaved) are left out, so the description
 * stays far below `max_payload`: reads then start at the first chunk and skip, and the chunks
 * of a deleted object are left to {@linkcode sweepOrphanChunks}.
 */
const MAX_RUNS_CHARS = 256 * 1024;

/** The description of an object, as the Object Store keeps it. */
export interface ObjectMeta {
  name: string;
  bucket: string;
  nuid: string;
  size: number;
  chunks: number;
  mtime: string;
  /** `SHA-256=` and the digest in padded base64url. */
  digest: string;
  deleted: boolean;
  options?: { max_chunk_size?: number };
  metadata?: Record<string, string>;
  /** The stream sequence of this description (not stored in it). */
  revision?: number;
  /** When the servers stored this description (not stored in it). */
  storedAt?: Date;
}

/** The stream behind bucket `bucket`. */
export function objectStream(bucket: string): string {
  return `OBJ_${bucket}`;
}

function metaSubject(bucket: string, name: string): string {
  return `$O.${bucket}.M.${Base64UrlPaddedCodec.encode(name)}`;
}

function chunkSubject(bucket: string, nuid: string): string {
  return `$O.${bucket}.C.${nuid}`;
}

/** The description of `name`, deleted or not; null when there never was one. */
export function objectMeta(
  context: NatsContext,
  bucket: string,
  name: string,
): Promise<ObjectMeta | null> {
  return lastMeta(context, bucket, metaSubject(bucket, name));
}

async function lastMeta(
  context: NatsContext,
  bucket: string,
  subject: string,
): Promise<ObjectMeta | null> {
  const message = await retrying(() =>
    context.jsm.streams.getMessage(objectStream(bucket), { last_by_subj: subject })
  );
  if (message === null) return null;
  return { ...message.json<ObjectMeta>(), revision: message.seq, storedAt: message.time };
}

/**
 * Deletes the chunks that no live description names and that received nothing for
 * `maxAgeMs`: those of a put whose node died before its description, or of a deletion cut
 * short; and deletion markers as old. `maxAgeMs` must exceed the longest pause of a put (a
 * minute of retries at most). Resolves with how many objects' chunks it deleted.
 */
export async function sweepOrphanChunks(
  context: NatsContext,
  bucket: string,
  maxAgeMs: number,
): Promise<number> {
  const stream = objectStream(bucket);
  const info = await retrying(() =>
    context.jsm.streams.info(stream, { subjects_filter: `$O.${bucket}.>` })
  );
  const subjects = Object.keys(info.state.subjects ?? {});
  const cutoff = Date.now() - maxAgeMs;
  const live = new Set<string>();
  for (const subject of subjects.filter((subject) => subject.startsWith(`$O.${bucket}.M.`))) {
    const meta = await lastMeta(context, bucket, subject);
    if (meta !== null && !meta.deleted) live.add(meta.nuid);
    // A put after this finds no description, as if the blob had never been stored.
    if (meta?.deleted && meta.storedAt!.getTime() <= cutoff) {
      await deleteSequences(context, bucket, [meta.revision!]);
    }
  }
  let swept = 0;
  for (const subject of subjects) {
    const nuid = subject.slice(`$O.${bucket}.C.`.length);
    if (!subject.startsWith(`$O.${bucket}.C.`) || live.has(nuid)) continue;
    const last = await retrying(() =>
      context.jsm.streams.getMessage(stream, { last_by_subj: subject })
    );
    if (last === null || last.time.getTime() > cutoff) continue;
    await deleteSequences(context, bucket, await sequencesOf(context, stream, subject));
    swept++;
  }
  return swept;
}

/** The sequences of the messages on `subject`, read with headers only. */
async function sequencesOf(
  context: NatsContext,
  stream: string,
  subject: string,
): Promise<number[]> {
  const consumer = await retrying(() =>
    context.js.consumers.get(stream, { filter_subjects: subject, headers_only: true })
  );
  const messages = await consumer.consume({ max_messages: 1000 });
  // Another node's sweep may delete them meanwhile: then nothing more comes.
  let idle = setTimeout(() => messages.stop(), READ_IDLE_MS);
  const seqs: number[] = [];
  try {
    for await (const message of messages) {
      seqs.push(message.seq);
      if (message.info.pending === 0) break;
      clearTimeout(idle);
      idle = setTimeout(() => messages.stop(), READ_IDLE_MS);
    }
  } finally {
    clearTimeout(idle);
    messages.stop();
  }
  return seqs;
}

/** Sequences of consecutive chunks, `[first, count]` each, from the description. */
export function chunkRuns(meta: ObjectMeta): [number, number][] {
  const text = meta.metadata?.[RUNS] ?? "";
  if (text === "") return [];
  return text.split(",").map((run) => run.split(":").map(Number) as [number, number]);
}

function encodeRuns(seqs: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < seqs.length;) {
    let j = i + 1;
    while (j < seqs.length && seqs[j] === seqs[j - 1] + 1) j++;
    runs.push(`${seqs[i]}:${j - i}`);
    i = j;
  }
  return runs.join(",");
}

/** Settings of {@linkcode writeObject}. */
export interface WriteObjectOptions {
  inFlight?: number;
  /** Bytes a chunk; default {@linkcode CHUNK_BYTES}. */
  chunkBytes?: number;
  /**
   * The sequence of `name`'s deletion marker, which the write replaces and deletes (0: it was
   * never described). When another writer described it since, the chunks are deleted and the
   * write resolves with null.
   */
  previousRevision?: number;
}

/**
 * Stores the bytes of `source` as object `name`: chunks first, then its description, which
 * makes it visible. Resolves with the description, or null when `previousRevision` no longer
 * held (the chunks written are deleted then).
 */
export async function writeObject(
  context: NatsContext,
  bucket: string,
  name: string,
  source: AsyncIterable<Uint8Array>,
  options: WriteObjectOptions = {},
): Promise<ObjectMeta | null> {
  const inFlight = options.inFlight ?? IN_FLIGHT;
  const maxPayload = context.nc.info?.max_payload ?? CHUNK_BYTES + 1024;
  const chunkBytes = Math.min(options.chunkBytes ?? CHUNK_BYTES, maxPayload - 1024);
  const nuid = crypto.randomUUID().replaceAll("-", "");
  const subject = chunkSubject(bucket, nuid);
  const hash = createHash("sha256");
  const seqs: number[] = [];
  const pending: Promise<void>[] = [];
  let size = 0;
  let failure: unknown;
  const publish = (chunk: Uint8Array) => {
    const index = seqs.length;
    seqs.push(0);
    hash.update(chunk);
    size += chunk.length;
    const msgID = `${nuid}.${index}`;
    const sent = retrying(() => context.js.publish(subject, chunk, { msgID, timeout: 5000 })).then(
      (ack) => void (seqs[index] = ack.seq),
      (error) => void (failure ??= error),
    );
    pending.push(sent);
  };
  try {
    let buffer = new Uint8Array(chunkBytes);
    let filled = 0;
    for await (const piece of source) {
      for (let at = 0; at < piece.length;) {
        const length = Math.min(chunkBytes - filled, piece.length - at);
        buffer.set(piece.subarray(at, at + length), filled);
        filled += length;
        at += length;
        if (filled < chunkBytes) continue;
        publish(buffer);
        buffer = new Uint8Array(chunkBytes);
        filled = 0;
        if (pending.length >= inFlight) await pending.shift();
        if (failure !== undefined) throw failure;
      }
    }
    if (filled > 0) publish(buffer.subarray(0, filled));
    await Promise.all(pending);
    if (failure !== undefined) throw failure;
    const runs = encodeRuns(seqs);
    const meta: ObjectMeta = {
      name,
      bucket,
      nuid,
      size,
      chunks: seqs.length,
      mtime: new Date().toISOString(),
      digest: `SHA-256=${Base64UrlPaddedCodec.encode(hash.digest())}`,
      deleted: false,
      options: { max_chunk_size: chunkBytes },
      metadata: runs.length <= MAX_RUNS_CHARS ? { [RUNS]: runs } : {},
    };
    try {
      const ack = await retrying(() =>
        context.js.publish(metaSubject(bucket, name), JSON.stringify(meta), {
          // A retry whose first attempt was stored is acknowledged as a duplicate.
          msgID: `${nuid}.meta`,
          expect: { lastSubjectSequence: options.previousRevision ?? 0 },
        })
      );
      // What it replaced can only have been a deletion marker.
      if (options.previousRevision) {
        await deleteSequences(context, bucket, [options.previousRevision]).catch(() => {});
      }
      return { ...meta, revision: ack.seq };
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      const present = await objectMeta(context, bucket, name);
      if (present?.nuid === nuid) return present;
      await deleteSequences(context, bucket, seqs);
      return null;
    }
  } catch (error) {
    await Promise.allSettled(pending);
    await deleteSequences(context, bucket, seqs.filter((seq) => seq > 0)).catch(() => {});
    throw error;
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return error instanceof Error && /wrong last sequence/i.test(error.message);
}

/**
 * Runs `step` until it resolves, again while it fails for a reason that passes (a leader
 * election takes 5–7 s), for at most {@linkcode RETRY_DEADLINE_MS}. A publish retried must
 * carry a message id, so that a first attempt that was stored is not stored twice.
 */
async function retrying<T>(step: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRY_DEADLINE_MS;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (!isTransient(error) || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Whether a request may succeed if retried: no answer in time, no JetStream responder, or 503
 * while a new stream leader is elected.
 */
function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (["TimeoutError", "NoResponders", "RequestError"].includes(error.name)) return true;
  return /timeout|503|no responders|not enabled/i.test(error.message);
}

/** Deletes stream messages one by one (never a purge by subject: see the module comment). */
export async function deleteSequences(
  context: NatsContext,
  bucket: string,
  seqs: Iterable<number>,
): Promise<void> {
  const stream = objectStream(bucket);
  for (const seq of seqs) {
    try {
      await retrying(() => context.jsm.streams.deleteMessage(stream, seq, false));
    } catch (error) {
      // Already gone (deleted by another node) is what was wanted.
      if (
        !(error instanceof Error && /no message found|sequence \d+ not found/i.test(error.message))
      ) {
        throw error;
      }
    }
  }
}

/**
 * Marks `meta`'s object deleted (a new description, compare-and-set on the old one), then
 * deletes its chunks and older descriptions. Resolves with false when it was already deleted
 * or replaced meanwhile.
 */
export async function deleteObject(context: NatsContext, meta: ObjectMeta): Promise<boolean> {
  const marker = { ...meta, deleted: true, size: 0, chunks: 0, digest: "", metadata: {} };
  delete marker.revision;
  delete marker.storedAt;
  // This call's own: a second deleter with the same id would be told "duplicate", not "no".
  const msgID = `${meta.nuid}.deleted.${crypto.randomUUID()}`;
  try {
    await retrying(() =>
      context.js.publish(metaSubject(meta.bucket, meta.name), JSON.stringify(marker), {
        msgID,
        expect: { lastSubjectSequence: meta.revision },
      })
    );
  } catch (error) {
    if (isWrongLastSequence(error)) return false;
    throw error;
  }
  const seqs = chunkRuns(meta).flatMap(([first, count]) =>
    Array.from({ length: count }, (_, i) => first + i)
  );
  await deleteSequences(context, meta.bucket, [...seqs, meta.revision!]);
  return true;
}

/**
 * Reads the object `meta` describes from `offset` on, chunk by chunk as stored (the first one
 * cut at the offset), through an ordered consumer started at the chunk that holds the offset.
 */
export async function* readObject(
  context: NatsContext,
  bucket: string,
  meta: ObjectMeta,
  options: { offset: number },
): AsyncGenerator<Uint8Array> {
  if (options.offset >= meta.size) return;
  const chunkBytes = meta.options?.max_chunk_size ?? CHUNK_BYTES;
  const first = Math.floor(options.offset / chunkBytes);
  let skip = options.offset - first * chunkBytes;
  const runs = chunkRuns(meta);
  let startSeq = 1;
  let dropChunks = first;
  for (let i = 0, index = 0; i < runs.length; index += runs[i][1], i++) {
    if (first < index + runs[i][1]) {
      startSeq = runs[i][0] + first - index;
      dropChunks = 0;
      break;
    }
  }
  let left = meta.chunks - first;
  let nextSeq = startSeq;
  for (let attempt = 1;; attempt++) {
    const consumer = await retrying(() =>
      context.js.consumers.get(objectStream(bucket), {
        filter_subjects: chunkSubject(bucket, meta.nuid),
        opt_start_seq: nextSeq,
      })
    );
    // At most 16 chunks wait in memory for a slow reader.
    const messages = await consumer.consume({ max_bytes: 16 * chunkBytes + 65536 });
    // Runs only while waiting for the servers, not while the reader takes its time.
    let idle: ReturnType<typeof setTimeout> | undefined;
    const watch = () => idle = setTimeout(() => messages.stop(), READ_IDLE_MS);
    try {
      watch();
      for await (const message of messages) {
        clearTimeout(idle);
        nextSeq = message.seq + 1;
        if (dropChunks > 0) {
          dropChunks--;
        } else {
          const data = skip > 0 ? message.data.subarray(skip) : message.data;
          skip = 0;
          left--;
          if (data.length > 0) yield data;
          if (left === 0) return;
        }
        watch();
      }
    } finally {
      clearTimeout(idle);
      messages.stop();
    }
    // Stalled (see the watchdog) or ended: a new consumer goes on after the last chunk.
    if (attempt === READ_ATTEMPTS) {
      throw new Error(`the servers sent nothing for ${READ_IDLE_MS / 1000} s, ${attempt} times`);
    }
  }
}
