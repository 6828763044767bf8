/**
 * Wrong passkeys counted per address where every node of a cluster sees them, so that an
 * attacker who spreads guesses over the nodes is locked out as fast as one who sends them all
 * to one node. {@linkcode PasskeyGuard} keeps its own count, its turns and its lockouts as on a
 * single machine, and, given a counter, adds each failure to it and, before each comparison, takes
 * the counter's record when it is at least as new as its own (else the larger count). Implementations: memory (tests) and a JetStream key-value
 * bucket (compare-and-set, so no failure counted on two nodes at once is lost).
 *
 * @module
 */

/** What a counter knows of one address. */
export interface FailureRecord {
  /** Wrong passkeys since the last right one (or since the address was forgotten). */
  failures: number;
  /**
   * When the newest of them was counted, or the address was cleared, in milliseconds since the
   * epoch: a node takes a record at least as new as what it counted itself over its own count.
   */
  last: number;
}

/**
 * Wrong passkeys per address, shared by the nodes of a cluster.
 *
 * @example
 * ```ts ignore
 * await counter.fail("192.0.2.7", Date.now()); // { failures: 1, last: … }
 * await counter.get("192.0.2.7"); // the same, on every node
 * await counter.clear("192.0.2.7", Date.now()); // the right passkey: start afresh
 * ```
 */
export interface FailureCounter {
  /** Counts one more wrong passkey from `address` at `now`; resolves with the record after. */
  fail(address: string, now: number): Promise<FailureRecord>;
  /** The record of `address`; none when it has no failures or was forgotten. */
  get(address: string): Promise<FailureRecord | undefined>;
  /**
   * Starts `address` afresh at `now` (it gave the right passkey): its record becomes no failures,
   * last at `now`, so a node that counted failures before `now` learns they are forgiven.
   */
  clear(address: string, now: number): Promise<void>;
  /** Releases the counter. */
  close(): Promise<void>;
}
