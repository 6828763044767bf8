/**
 * The cleaning every node does now and then: chunks no description names (a put whose node
 * died before its description, a deletion cut short) and old deletion markers. Several nodes
 * may sweep at once: a message another deleted first counts as deleted.
 *
 * @module
 */
import type { NatsContext } from "./context.ts";
import { deleteSequences, lastMeta, objectStream, retrying } from "./_object_format.ts";

/** A listing of sequences that receives nothing for this long ends (another node swept them). */
const SWEEP_IDLE_MS = 10_000;

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
  let idle = setTimeout(() => messages.stop(), SWEEP_IDLE_MS);
  const seqs: number[] = [];
  try {
    for await (const message of messages) {
      seqs.push(message.seq);
      if (message.info.pending === 0) break;
      clearTimeout(idle);
      idle = setTimeout(() => messages.stop(), SWEEP_IDLE_MS);
    }
  } finally {
    clearTimeout(idle);
    messages.stop();
  }
  return seqs;
}
