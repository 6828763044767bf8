/**
 * The Object Store's format as the cluster blob store uses it: the stream `OBJ_<bucket>`,
 * chunks on `$O.<bucket>.C.<nuid>`, descriptions on `$O.<bucket>.M.<base64url name>` (so
 * `nats object get` still reads them), plus the sequences of an object's chunks kept in its
 * description as runs; and the retries and deletions by sequence every request shares (see
 * `_object_chunks.ts` for why).
 *
 * @module
 */
import { Base64UrlPaddedCodec } from "@nats-io/obj";
import type { NatsContext } from "./context.ts";

/**
 * Bytes a chunk: of 128 KiB, 256 KiB and 1 MiB, 256 KiB with 16 to 64 in flight put fastest on
 * a cluster of three (bench/object_store.ts); at most the servers' `max_payload` less room for
 * the message id header.
 */
export const CHUNK_BYTES = 256 * 1024;

/** How long a request is retried (a leader election takes 5–7 s) before it fails. */
const RETRY_DEADLINE_MS = 30_000;

/** The metadata entry that holds the sequences of the chunks. */
export const RUNS = "chat-chunk-runs";

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

/** The subject of `name`'s descriptions. */
export function metaSubject(bucket: string, name: string): string {
  return `$O.${bucket}.M.${Base64UrlPaddedCodec.encode(name)}`;
}

/** The subject of the chunks of the put `nuid`. */
export function chunkSubject(bucket: string, nuid: string): string {
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

/** The last description on `subject`; null when there is none. */
export async function lastMeta(
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

/** Sequences of consecutive chunks, `[first, count]` each, from the description. */
export function chunkRuns(meta: ObjectMeta): [number, number][] {
  const text = meta.metadata?.[RUNS] ?? "";
  if (text === "") return [];
  return text.split(",").map((run) => run.split(":").map(Number) as [number, number]);
}

/** `first:count,…` of the sequences `seqs`, in their order. */
export function encodeRuns(seqs: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < seqs.length;) {
    let j = i + 1;
    while (j < seqs.length && seqs[j] === seqs[j - 1] + 1) j++;
    runs.push(`${seqs[i]}:${j - i}`);
    i = j;
  }
  return runs.join(",");
}

/** Whether a publish failed because its compare-and-set on the last sequence did. */
export function isWrongLastSequence(error: unknown): boolean {
  return error instanceof Error && /wrong last sequence/i.test(error.message);
}

/**
 * Runs `step` until it resolves, again while it fails for a reason that passes (a leader
 * election takes 5–7 s), for at most {@linkcode RETRY_DEADLINE_MS}. A publish retried must
 * carry a message id, so that a first attempt that was stored is not stored twice.
 */
export async function retrying<T>(step: () => Promise<T>): Promise<T> {
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
