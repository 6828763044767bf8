/**
 * Errors of a fan-out run, counted by kind with the first detail of each: a run of a thousand
 * clients that all fail the same way reports one line, not a thousand.
 *
 * @module
 */

/** Errors of a run, by kind, with the first detail of each. */
export class ErrorLog {
  readonly #kinds = new Map<string, { count: number; sample: string }>();

  /** Counts one error of `kind`, keeping `detail` if it is the first. */
  add(kind: string, detail = ""): void {
    const entry = this.#kinds.get(kind);
    if (entry === undefined) this.#kinds.set(kind, { count: 1, sample: detail.slice(0, 160) });
    else entry.count++;
  }

  /** Errors of every kind. */
  get total(): number {
    let total = 0;
    for (const { count } of this.#kinds.values()) total += count;
    return total;
  }

  /** Each kind with its count and first detail, in the order first seen. */
  entries(): { kind: string; count: number; sample: string }[] {
    return [...this.#kinds].map(([kind, entry]) => ({ kind, ...entry }));
  }
}
