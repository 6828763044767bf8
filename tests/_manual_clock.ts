/** A clock that moves only when told. */
export class ManualClock {
  #now: number;

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  /** The current time in milliseconds; pass `clock.now` as a `now` option. */
  readonly now = (): number => this.#now;

  /** Moves the clock forward (or back, with a negative `ms`). */
  advance(ms: number): void {
    this.#now += ms;
  }
}
