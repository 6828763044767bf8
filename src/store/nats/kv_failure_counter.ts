/**
 * Wrong passkeys per address for every node of a cluster, in the JetStream key-value bucket
 * `${prefix}_passkey_failures`: one key per address (its {@linkcode keyToken}), holding
 * `{"failures":N,"last":MS}`. A failure is counted by compare-and-set on the key's revision, so
 * failures counted on several nodes at once are all counted.
 *
 * Addresses are forgotten by the bucket's age limit, not by this code: a record nobody touched
 * for `forgetAfterMs` is removed by the server (nats-server 2.9.10 ignores a per-key TTL, and
 * the removal sends no watch event, which is fine: the record is only ever read by key).
 *
 * @module
 */
import type { KV } from "@nats-io/kv";
import type { FailureCounter, FailureRecord } from "../../chat/failure_counter.ts";
import type { NatsContext } from "./context.ts";
import { isConflict, keyToken } from "./_kv.ts";
import { createBucket } from "./_create_bucket.ts";

/**
 * Default of `forgetAfterMs`: twice the guard's longest lockout (10 minutes), as the guard
 * forgets an address of its own.
 */
const FORGET_AFTER_MS = 20 * 60 * 1000;

/** Compare-and-set rounds one `fail` may lose to other nodes counting the same address. */
const MAX_ROUNDS = 100;

/**
 * A {@linkcode FailureCounter} on a NATS JetStream key-value bucket.
 *
 * @example
 * ```ts ignore
 * const counter = await KvFailureCounter.open(context);
 * const guard = new PasskeyGuard({ shared: counter });
 * ```
 */
export class KvFailureCounter implements FailureCounter {
  readonly #kv: KV;
  #closed = false;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  /**
   * Opens the bucket `${context.prefix}_passkey_failures`, creating it when no node has yet;
   * records untouched for `forgetAfterMs` (default 20 minutes) are forgotten. Every node must
   * open it with the same `forgetAfterMs`. The connection stays the caller's.
   */
  static async open(
    context: NatsContext,
    options: { forgetAfterMs?: number } = {},
  ): Promise<KvFailureCounter> {
    const kv = await createBucket(context, `${context.prefix}_passkey_failures`, {
      history: 1,
      replicas: context.replicas,
      ttl: options.forgetAfterMs ?? FORGET_AFTER_MS,
    });
    return new KvFailureCounter(kv);
  }

  fail(address: string, now: number): Promise<FailureRecord> {
    return this.#change(address, (old) => ({
      failures: (old?.failures ?? 0) + 1,
      last: Math.max(old?.last ?? 0, now),
    }));
  }

  async get(address: string): Promise<FailureRecord | undefined> {
    this.#assertOpen();
    const entry = await this.#kv.get(keyToken(address));
    return entry === null || entry.operation !== "PUT" ? undefined : entry.json<FailureRecord>();
  }

  async clear(address: string, now: number): Promise<void> {
    await this.#change(address, (old) => ({ failures: 0, last: Math.max(old?.last ?? 0, now) }));
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** Replaces the record of `address` with what `next` makes of it, by compare-and-set. */
  async #change(
    address: string,
    next: (old: FailureRecord | undefined) => FailureRecord,
  ): Promise<FailureRecord> {
    this.#assertOpen();
    const key = keyToken(address);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = await this.#kv.get(key);
      const present = entry !== null && entry.operation === "PUT";
      const record = next(present ? entry.json<FailureRecord>() : undefined);
      try {
        if (present) await this.#kv.update(key, JSON.stringify(record), entry.revision);
        else await this.#kv.create(key, JSON.stringify(record));
        return record;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(
      `The failures of ${address} changed ${MAX_ROUNDS} times while one was counted; try again`,
    );
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("The failure counter is closed");
  }
}
