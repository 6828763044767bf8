/**
 * Throttles passkey guessing per address: a few wrong passkeys are free, then each further one
 * locks the address out for twice as long as the last (2 s, 4 s, 8 s… up to `maxDelayMs`).
 * Addresses that guess nothing for a while are forgotten. Other addresses are never affected.
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
  readonly #addresses = new Map<string, { failures: number; until: number; last: number }>();

  constructor(
    options: {
      freeFailures?: number;
      baseDelayMs?: number;
      maxDelayMs?: number;
      now?: () => number;
    } = {},
  ) {
    this.#freeFailures = options.freeFailures ?? 5;
    this.#baseDelayMs = options.baseDelayMs ?? 2000;
    this.#maxDelayMs = options.maxDelayMs ?? 10 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until `address` may try a passkey again; 0 when it may now. */
  blockedFor(address: string): number {
    const entry = this.#addresses.get(address);
    return entry === undefined ? 0 : Math.max(0, entry.until - this.#now());
  }

  /** Records a wrong passkey; returns how long the address is now locked out (0: not). */
  failed(address: string): number {
    const now = this.#now();
    this.#forgetIdle(now);
    const entry = this.#addresses.get(address) ?? { failures: 0, until: 0, last: now };
    entry.failures++;
    entry.last = now;
    const over = entry.failures - this.#freeFailures;
    const delay = over <= 0 ? 0 : Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** (over - 1));
    entry.until = now + delay;
    this.#addresses.set(address, entry);
    return delay;
  }

  /** Records the right passkey: the address starts afresh. */
  succeeded(address: string): void {
    this.#addresses.delete(address);
  }

  #forgetIdle(now: number): void {
    for (const [address, entry] of this.#addresses) {
      if (now - entry.last > 2 * this.#maxDelayMs && entry.until <= now) {
        this.#addresses.delete(address);
      }
    }
  }
}

/**
 * A token bucket: `burst` requests at once, refilled at `perSecond`. Used per connection to
 * answer a flood with "slow down" errors instead of silently dropping anything.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./abuse_guard.ts";
 * const bucket = new TokenBucket({ perSecond: 1, burst: 2 });
 * [bucket.take(), bucket.take(), bucket.take()]; // [true, true, false]
 * ```
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;

  constructor(options: { perSecond: number; burst: number; now?: () => number }) {
    this.#perMs = options.perSecond / 1000;
    this.#burst = options.burst;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.burst;
    this.#updated = this.#now();
  }

  /** Takes a token if one is left. */
  take(): boolean {
    const now = this.#now();
    // Date.now() may step back (NTP, a changed clock); that must not take tokens away.
    const elapsed = Math.max(0, now - this.#updated);
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
    this.#updated = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }
}
