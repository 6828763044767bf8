/**
 * What the key-value stores of a cluster share: keys built from free text, JSON values read with
 * their revision (the handle of every compare-and-set), listing keys under a prefix, and retrying
 * through a leader election.
 *
 * Buckets keep one value per key (`history: 1`) and read through the stream leader
 * (`allow_direct: false`): a direct get may be answered by a replica a few milliseconds behind,
 * and a link code made on one node must work at once on another. Deletes leave a small marker per
 * key; nothing here purges by subject (nats-server 2.9.10 can replay such a purge as a purge of
 * the whole stream on a restarted replica, nats-server #4196).
 *
 * @module
 */
import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsContext } from "./context.ts";
import { createBucket } from "./_create_bucket.ts";

/** How long an operation is retried while the servers elect a leader (5–7 s measured). */
export const RETRY_MS = 15_000;

/** The first and the longest pause between two tries of an operation. */
const RETRY_PAUSE_MS = { first: 50, max: 1000 };

/** How many keys a scan (sweep, release) reads or changes at once. */
const SCAN_CONCURRENCY = 32;

/** A value read from a bucket and the revision a compare-and-set of it must name. */
export interface Revised<T> {
  value: T;
  revision: number;
}

/**
 * Opens (creating if needed, as any node may first) the bucket `${context.prefix}_${name}`.
 *
 * @example
 * ```ts ignore
 * const kv = await openBucket(context, "identity"); // stream KV_chat_identity
 * ```
 */
export function openBucket(context: NatsContext, name: string): Promise<KV> {
  return createBucket(context, `${context.prefix}_${name}`, {
    history: 1,
    replicas: context.replicas,
    allow_direct: false,
  });
}

/**
 * One token of a key for any text (nicks are Unicode, ids may hold dots): its UTF-8 in base64url
 * without padding, which only uses characters a key allows.
 *
 * @example
 * ```ts ignore
 * keyToken("Zoë") === "Wm_Dqw";
 * ```
 */
export function keyToken(text: string): string {
  if (text === "") throw new TypeError("A key cannot be made of an empty string");
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The bytes of `value` as JSON. */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** The value of `key` and its revision, or undefined when it was never set or is deleted. */
export async function readJson<T>(kv: KV, key: string): Promise<Revised<T> | undefined> {
  const entry = await kv.get(key);
  if (!isLive(entry)) return undefined;
  return { value: entry.json<T>(), revision: entry.revision };
}

/** Whether an entry holds a value (rather than nothing or a delete marker). */
function isLive(entry: KvEntry | null): entry is KvEntry {
  return entry !== null && entry.operation === "PUT";
}

/**
 * The keys under `filter` (one subject filter, as 2.9 allows) of the bucket
 * `${context.prefix}_${name}`, deleted ones included (readers find them empty). Asked of the
 * stream leader as the stream's subjects, not with `kv.keys()`: that creates a consumer, and
 * with one of three 2.9.10 servers down a third of consumer creations timed out (5 s), even a
 * minute after the new leader was elected.
 */
export async function listKeys(
  context: NatsContext,
  name: string,
  filter: string,
): Promise<string[]> {
  const prefix = `$KV.${context.prefix}_${name}.`;
  const info = await context.jsm.streams.info(`KV_${context.prefix}_${name}`, {
    subjects_filter: `${prefix}${filter}`,
  });
  return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length));
}

/**
 * Whether a write failed because the key was not at the revision it named: another node changed
 * it first (`create` of an existing key, `update` or a revised delete of a stale one).
 */
export function isWrongRevision(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return error instanceof Error && error.name === "JetStreamApiError" &&
    (code === 10071 || code === 10164);
}

/**
 * Whether an error only says the servers could not answer now: a timeout or no responder while
 * the client reconnects, or "unavailable" while a stream elects its leader.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (["TimeoutError", "NoResponders", "JetStreamNotEnabled"].includes(error.name)) return true;
  const status = (error as { status?: unknown }).status;
  if (error.name === "JetStreamApiError" && typeof status === "number" && status >= 500) {
    return true;
  }
  return error.cause !== undefined && error.cause !== error && isTransient(error.cause);
}

/**
 * Runs `work` again after transient failures until it settles or {@linkcode RETRY_MS} have
 * passed; `work` must be safe to run again from the start (each store's operations are written
 * so: a retried claim finds its own earlier claim).
 */
export async function retrying<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRY_MS;
  let pause = RETRY_PAUSE_MS.first;
  while (true) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error) || Date.now() + pause > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, RETRY_PAUSE_MS.max);
  }
}

/**
 * Changes the value of `key` with `change` as a compare-and-set, reading again when another node
 * changed it in between; `change` returns undefined to leave it alone. Resolves with the value
 * written, or undefined when the key holds nothing or was left alone.
 */
export async function updateJson<T>(
  kv: KV,
  key: string,
  change: (value: T) => T | undefined,
): Promise<T | undefined> {
  while (true) {
    const current = await readJson<T>(kv, key);
    if (current === undefined) return undefined;
    const next = change(current.value);
    if (next === undefined) return undefined;
    try {
      await kv.update(key, jsonBytes(next), current.revision);
      return next;
    } catch (error) {
      if (!isWrongRevision(error)) throw error;
    }
  }
}

/**
 * Deletes `key` if it still holds the revision `revision`; false when another node changed or
 * deleted it first.
 */
export async function deleteAt(kv: KV, key: string, revision: number): Promise<boolean> {
  try {
    await kv.delete(key, { previousSeq: revision });
    return true;
  } catch (error) {
    if (isWrongRevision(error)) return false;
    throw error;
  }
}

/**
 * Runs `work` on every item, {@linkcode SCAN_CONCURRENCY} at a time: a scan of thousands of keys
 * waits for round trips, not for the server.
 */
export async function eachLimited<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) await work(items[next++]);
  }
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, items.length) }, worker));
}
