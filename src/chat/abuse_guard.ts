import type { FailureCounter, FailureRecord } from "./failure_counter.ts";

/**
 * Throttles passkey guessing per address: a few wrong passkeys are free, then each further one
 * locks the address out for twice as long as the last (2 s, 4 s, 8 s… up to `maxDelayMs`).
 * Addresses that guess nothing for a while are forgotten. Other addresses are never affected.
 *
 * Comparing a passkey is asynchronous, so counting failures after the comparison would let every
 * guess already in flight past the check: a hundred parallel `hello`s would all be compared.
 * {@linkcode PasskeyGuard.turn} therefore admits only as many comparisons at once as failures
 * remain before the next lockout (one at a time once lockouts have begun); the others wait for
 * those to settle. An address behind which a whole class logs in with the right passkey at once
 * is slowed by a few comparisons, never refused.
 *
 * In a cluster the guard is given a {@linkcode FailureCounter} that every node shares: each
 * failure is added to it, and each turn first takes the address's record from it, so guesses
 * spread over several nodes lock an address out as fast as guesses sent to one. Without one, the
 * guard counts for this process alone and never waits for anything but other comparisons.
 *
 * @example
 * ```ts
 * import { PasskeyGuard } from "./abuse_guard.ts";
 * const guard = new PasskeyGuard({ freeFailures: 1 });
 * guard.failed("192.0.2.7"); // 0: the free try
 * guard.failed("192.0.2.7"); // 2000: locked out for 2 s
 * guard.blockedFor("192.0.2.7") > 0; // true
 * ```
 */
export class PasskeyGuard {
  readonly #freeFailures: number;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #now: () => number;
  readonly #shared: FailureCounter | undefined;
  readonly #addresses = new Map<string, GuardEntry>();

  constructor(
    options: {
      /** Wrong passkeys that lock nothing; the next one starts the first lockout. Default 4. */
      freeFailures?: number;
      baseDelayMs?: number;
      maxDelayMs?: number;
      now?: () => number;
      /** Failures counted across the nodes of a cluster as well; none: this process alone. */
      shared?: FailureCounter;
    } = {},
  ) {
    this.#freeFailures = options.freeFailures ?? 4;
    this.#baseDelayMs = options.baseDelayMs ?? 2000;
    this.#maxDelayMs = options.maxDelayMs ?? 10 * 60 * 1000;
    this.#now = options.now ?? Date.now;
    this.#shared = options.shared;
  }

  /** Milliseconds until `address` may try a passkey again; 0 when it may now. */
  blockedFor(address: string): number {
    const entry = this.#addresses.get(address);
    return entry === undefined ? 0 : Math.max(0, entry.until - this.#now());
  }

  /**
   * Waits until a passkey from `address` may be compared. Resolves with a turn, whose `settle`
   * must be called with the comparison's result, or with the milliseconds the address is locked
   * out for (then nothing may be compared).
   *
   * @example
   * ```ts
   * import { PasskeyGuard } from "./abuse_guard.ts";
   * const guard = new PasskeyGuard();
   * const turn = await guard.turn("192.0.2.7");
   * if (typeof turn !== "number") turn.settle(false); // 0: not locked out yet
   * ```
   */
  async turn(address: string): Promise<PasskeyTurn | number> {
    for (;;) {
      if (this.#shared !== undefined) await this.#learn(this.#shared, address);
      const blocked = this.blockedFor(address);
      if (blocked > 0) return blocked;
      const entry = this.#entry(address, this.#now());
      if (entry.comparing < this.#allowance(entry)) {
        entry.comparing++;
        let settled = false;
        return {
          settle: (matched: boolean) => {
            if (settled) return 0;
            settled = true;
            entry.comparing--;
            const lockout = matched ? (this.succeeded(address), 0) : this.failed(address);
            const wakeAll = () => {
              for (const wake of entry.waiting.splice(0)) wake();
            };
            if (this.#shared === undefined) wakeAll();
            else this.#tell(this.#shared, address, matched).finally(wakeAll);
            return lockout;
          },
        };
      }
      await new Promise<void>((resolve) => entry.waiting.push(resolve));
    }
  }

  /** Records a wrong passkey; returns how long the address is now locked out (0: not). */
  failed(address: string): number {
    const now = this.#now();
    this.#forgetIdle(now);
    const entry = this.#entry(address, now);
    entry.failures++;
    entry.last = now;
    const delay = this.#delay(entry.failures);
    entry.until = now + delay;
    return delay;
  }

  /** Records the right passkey: the address starts afresh. */
  succeeded(address: string): void {
    const entry = this.#addresses.get(address);
    if (entry === undefined) return;
    if (entry.comparing > 0 || entry.waiting.length > 0) {
      entry.failures = 0;
      entry.until = 0;
    } else {
      this.#addresses.delete(address);
    }
  }

  /**
   * Takes the shared record of `address` when it is at least as new as this node's own (a
   * failure counted elsewhere since, or a right passkey that forgave them), else the larger
   * count; a counter that cannot be reached leaves this node's count as it is.
   */
  async #learn(shared: FailureCounter, address: string): Promise<void> {
    let record: FailureRecord | undefined;
    try {
      record = await shared.get(address);
    } catch {
      return;
    }
    if (record !== undefined) this.#adopt(address, record);
  }

  /** Adds a failure (or a right passkey) to the shared counter, and takes the record after. */
  async #tell(shared: FailureCounter, address: string, matched: boolean): Promise<void> {
    const now = this.#now();
    try {
      if (matched) await shared.clear(address, now);
      else this.#adopt(address, await shared.fail(address, now));
    } catch {
      // The counter cannot be reached: this node's own count still locks the address out.
    }
  }

  #adopt(address: string, record: FailureRecord): void {
    if (record.failures === 0 && !this.#addresses.has(address)) return;
    const entry = this.#entry(address, this.#now());
    const lockedUntil = record.last + this.#delay(record.failures);
    if (record.last >= entry.last) {
      entry.failures = record.failures;
      entry.until = lockedUntil;
      entry.last = record.last;
    } else if (record.failures > entry.failures) {
      entry.failures = record.failures;
      entry.until = Math.max(entry.until, lockedUntil);
    }
  }

  /** The lockout that `failures` wrong passkeys earn. */
  #delay(failures: number): number {
    const over = failures - this.#freeFailures;
    return over <= 0 ? 0 : Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (over - 1));
  }

  /** Comparisons that may run at once: the failures left before a lockout, or one after. */
  #allowance(entry: GuardEntry): number {
    return Math.max(1, this.#freeFailures + 1 - entry.failures);
  }

  #entry(address: string, now: number): GuardEntry {
    let entry = this.#addresses.get(address);
    if (entry === undefined) {
      entry = { failures: 0, until: 0, last: now, comparing: 0, waiting: [] };
      this.#addresses.set(address, entry);
    }
    return entry;
  }

  #forgetIdle(now: number): void {
    for (const [address, entry] of this.#addresses) {
      if (
        now - entry.last > 2 * this.#maxDelayMs && entry.until <= now && entry.comparing === 0 &&
        entry.waiting.length === 0
      ) {
        this.#addresses.delete(address);
      }
    }
  }
}

/** Permission to compare one passkey, from {@linkcode PasskeyGuard.turn}. */
export interface PasskeyTurn {
  /** Reports whether the passkey matched; returns the lockout a failure started (0: none). */
  settle(matched: boolean): number;
}

interface GuardEntry {
  failures: number;
  until: number;
  last: number;
  /** Comparisons admitted and not yet settled. */
  comparing: number;
  /** Turns waiting for a comparison to settle. */
  waiting: (() => void)[];
}
