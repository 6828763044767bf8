/**
 * Read markers of a cluster, in the JetStream key-value bucket `${prefix}_read_markers`: one key
 * per owner and place, `<owner>.<place>`, each token the {@linkcode keyToken} of its text (a
 * place key such as `@zoë` is not a valid key token as it stands), the value the marker in
 * decimal.
 *
 * A marker never moves back, even when two nodes move it at once (one person reading on a phone
 * and a laptop connected to different nodes): {@linkcode KvReadMarkerStore.mark} reads the key
 * and writes it only if its revision is still the one read, and reads again when another node
 * wrote in between. Taking the larger of two markers is idempotent, so a write whose
 * acknowledgement was lost to a dying server is simply tried again by the caller.
 *
 * `wipe()` purges the bucket's whole stream: never a purge filtered by subject, which
 * nats-server 2.9.10 may replay as a purge of everything on a replica that was killed.
 *
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { ReadMarkerStore } from "../../chat/read_marker_store.ts";
import { assertMarkerId } from "../_read_markers.ts";
import type { NatsContext } from "./context.ts";
import { isConflict, keyToken, textOfToken } from "./_kv.ts";
import { createBucket } from "./_create_bucket.ts";

/**
 * Compare-and-set rounds one `mark` may lose to other writers of the same key before it gives
 * up; each lost round means another node moved the same marker, so even a person reading on
 * many devices at once never comes close.
 */
const MAX_MARK_ROUNDS = 100;

/**
 * A {@linkcode ReadMarkerStore} on a NATS JetStream key-value bucket, shared by every node of a
 * cluster.
 *
 * @example
 * ```ts ignore
 * const store = await KvReadMarkerStore.open(context);
 * await store.mark("owner-1", "#lobby", 7);
 * await store.mark("owner-1", "#lobby", 3); // 7: a marker never moves back
 * await store.markers("owner-1"); // Map { "#lobby" => 7 }
 * ```
 */
export class KvReadMarkerStore implements ReadMarkerStore {
  readonly #kv: KV;
  readonly #context: NatsContext;
  #closed = false;

  private constructor(context: NatsContext, kv: KV) {
    this.#context = context;
    this.#kv = kv;
  }

  /**
   * Opens the bucket `${context.prefix}_read_markers`, creating it when no node has yet. The
   * connection stays the caller's: `close()` does not close it.
   */
  static async open(context: NatsContext): Promise<KvReadMarkerStore> {
    const kv = await createBucket(context, bucketName(context), {
      history: 1,
      replicas: context.replicas,
    });
    return new KvReadMarkerStore(context, kv);
  }

  /** Moves the marker up to `id` with compare-and-set; resolves with the marker as it is now. */
  async mark(owner: string, place: string, id: number): Promise<number> {
    this.#assertOpen();
    assertMarkerId(id);
    const key = markerKey(owner, place);
    for (let round = 0; round < MAX_MARK_ROUNDS; round++) {
      const entry = await this.#kv.get(key);
      try {
        if (entry === null || entry.operation !== "PUT") {
          await this.#kv.create(key, String(id));
          return id;
        }
        const current = Number(entry.string());
        if (current >= id) return current;
        await this.#kv.update(key, String(id), entry.revision);
        return id;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(
      `Read marker ${place} of ${owner} changed ${MAX_MARK_ROUNDS} times while it was moved; try again`,
    );
  }

  /** Every marker of `owner`: the last value of each key under `<owner>.`. */
  async markers(owner: string): Promise<Map<string, number>> {
    this.#assertOpen();
    const markers = new Map<string, number>();
    const entries = await this.#kv.history({ key: `${keyToken(owner)}.>` });
    for await (const entry of entries) {
      const place = textOfToken(entry.key.slice(entry.key.indexOf(".") + 1));
      if (entry.operation === "PUT") markers.set(place, Number(entry.string()));
      else markers.delete(place);
    }
    return markers;
  }

  /** Deletes every marker of everyone: purges the whole stream of the bucket, unfiltered. */
  async wipe(): Promise<void> {
    this.#assertOpen();
    await this.#context.jsm.streams.purge(`KV_${bucketName(this.#context)}`);
  }

  /** Stops using the bucket; the connection stays open. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("The read marker store is closed");
  }
}

function bucketName(context: NatsContext): string {
  return `${context.prefix}_read_markers`;
}

/** The key of `owner`'s marker in `place`. */
function markerKey(owner: string, place: string): string {
  return `${keyToken(owner)}.${keyToken(place)}`;
}
