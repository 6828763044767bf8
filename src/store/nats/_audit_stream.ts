/**
 * The audit log of a cluster's host controls: the JetStream stream `${prefix}_audit`, one
 * message per operator action (its fields as JSON), whose stream sequence is the entry's id, so
 * ids are increasing from 1 across every node with no counter of their own.
 *
 * Pages are read newest first by sequence, one `getMessage({ seq })` per entry, all of a page at
 * once: nats-server 2.9.10 cannot fetch the last N messages of a subject in one call (that came
 * in 2.11), and a page of the audit log is a few dozen entries.
 *
 * @module
 */
import type { AuditEntry } from "../../chat/moderation_store.ts";
import { withoutUndefined } from "../memory_moderation_store.ts";
import type { NatsContext } from "./context.ts";
import { isTransient } from "./_kv.ts";

/**
 * How long an append keeps trying while JetStream cannot store: longer than the 5–7 s of a
 * leader election and the 5 s a stream takes to recover after its quorum returns (measured in
 * issue 17), and far shorter than the 2-minute window in which the server drops a retried
 * message as a duplicate.
 */
const APPEND_DEADLINE_MS = 30_000;

/** The pause between two tries of an append. */
const RETRY_PAUSE_MS = 250;

/**
 * The audit log on a stream.
 *
 * @example
 * ```ts ignore
 * const audit = await AuditStream.open(context);
 * const entry = await audit.append({ at: Date.now(), by: "ana", action: "kick", nick: "ben" });
 * (await audit.page({ limit: 10 }))[0].id === entry.id; // true
 * ```
 */
export class AuditStream {
  readonly #context: NatsContext;
  readonly #name: string;

  private constructor(context: NatsContext, name: string) {
    this.#context = context;
    this.#name = name;
  }

  /** Opens the stream `${context.prefix}_audit`, creating it when no node has yet. */
  static async open(context: NatsContext): Promise<AuditStream> {
    const name = `${context.prefix}_audit`;
    // Adding a stream that exists with the same settings is answered as a success; two nodes
    // adding it at the same moment may be told the subjects overlap: then it exists.
    try {
      await context.jsm.streams.add({ name, subjects: [name], num_replicas: context.replicas });
    } catch (error) {
      await context.jsm.streams.info(name).catch(() => {
        throw error;
      });
    }
    return new AuditStream(context, name);
  }

  /**
   * Appends an entry; resolves once a quorum stored it, with its id. While JetStream cannot
   * store (an election), it tries again with the same message id, so the entry is stored once.
   */
  async append(entry: Omit<AuditEntry, "id">): Promise<AuditEntry> {
    const kept = withoutUndefined(entry);
    const data = JSON.stringify(kept);
    // Unique for ever: the server's deduplication outlives purges.
    const msgID = crypto.randomUUID();
    const deadline = Date.now() + APPEND_DEADLINE_MS;
    for (;;) {
      try {
        const ack = await this.#context.js.publish(this.#name, data, { msgID });
        return { ...kept, id: ack.seq };
      } catch (error) {
        if (!isTransient(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
    }
  }

  /** The newest `limit` entries with `id < before` (all when `before` is absent), newest first. */
  async page(options: { before?: number; limit: number }): Promise<AuditEntry[]> {
    const { state } = await this.#context.jsm.streams.info(this.#name);
    const first = Math.max(1, state.first_seq);
    let next = Math.min(state.last_seq, (options.before ?? Infinity) - 1);
    const entries: AuditEntry[] = [];
    while (entries.length < options.limit && next >= first) {
      const seqs: number[] = [];
      for (; seqs.length < options.limit - entries.length && next >= first; next--) {
        seqs.push(next);
      }
      const messages = await Promise.all(
        seqs.map((seq) => this.#context.jsm.streams.getMessage(this.#name, { seq })),
      );
      for (const message of messages) {
        // A message deleted from the stream (never by this code) leaves a gap: skipped.
        if (message !== null) {
          entries.push({ ...message.json<Omit<AuditEntry, "id">>(), id: message.seq });
        }
      }
    }
    return entries;
  }
}
