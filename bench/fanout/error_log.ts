/**
 * Errors of a fan-out run, counted by kind with the first detail of each: a run of a thousand
 * clients that all fail the same way reports one line, not a thousand.
 *
 * @module
 */

/** Errors of a run, by kind, with the first detail of each. */
export class ErrorLog {
  readonly #kinds = new Map<string, { count: number; sample: string }>();

  add(kind: string, detail = ""): void {
    const entry = this.#kinds.get(kind);
    if (entry === undefined) this.#kinds.set(kind, { count: 1, sample: detail.slice(0, 160) });
    else entry.count++;
  }

  get total(): number {
    let total = 0;
    for (const { count } of this.#kinds.values()) total += count;
    return total;
  }

  entries(): { kind: string; count: number; sample: string }[] {
    return [...this.#kinds].map(([kind, entry]) => ({ kind, ...entry }));
  }
}
