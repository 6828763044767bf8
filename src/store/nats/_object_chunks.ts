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
import { Base64UrlPaddedCodec } from "@nats-io/obj";
import type { NatsContext } from "./context.ts";
import {
  CHUNK_BYTES,
  chunkRuns,
  chunkSubject,
  deleteSequences,
  encodeRuns,
  isWrongLastSequence,
  metaSubject,
  type ObjectMeta,
  objectMeta,
  objectStream,
  retrying,
  RUNS,
} from "./_object_format.ts";

/** Chunks published and not yet acknowledged, at most: 8 MiB. */
const IN_FLIGHT = 32;

/**
 * A read that receives nothing for this long starts a new consumer after the last chunk it
 * received (an ordered consumer did not recover from its server's death in one of two runs,
 * issue 17), and gives up after this many consumers.
 */
const READ_IDLE_MS = 10_000;
const READ_ATTEMPTS = 4;

/**
 * Runs longer than this (chunks of many puts interleaved) are left out, so the description
 * stays far below `max_payload`: reads then start at the first chunk and skip, and the chunks
 * of a deleted object are left to the sweep (`_object_sweep.ts`).
 */
const MAX_RUNS_CHARS = 256 * 1024;

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
