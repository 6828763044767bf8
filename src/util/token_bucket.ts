/**
 * A token bucket: `burst` requests at once, refilled at `perSecond`. Used per connection to
 * answer a flood with "slow down" errors instead of silently dropping anything.
 *
 * @example
 * ```ts
 * import { TokenBucket } from "./token_bucket.ts";
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
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }

  /** Milliseconds until the next token is there (0: one is there now). */
  nextTokenInMs(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#perMs);
  }

  #refill(): void {
    const now = this.#now();
    // Date.now() may step back (NTP, a changed clock); that must not take tokens away.
    const elapsed = Math.max(0, now - this.#updated);
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
    this.#updated = now;
  }
}
