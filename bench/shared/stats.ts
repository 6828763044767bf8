/**
 * The two order statistics the benchmarks report: medians of repeated runs, and nearest-rank
 * percentiles of latencies. Nearest rank, not interpolation: every figure printed is one that
 * was measured.
 *
 * @module
 */

/**
 * The median of a non-empty list; the mean of the middle two for an even count.
 *
 * @example
 * ```ts
 * import { median } from "./stats.ts";
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The `p`-th percentile (0 < p ≤ 1) of values sorted in ascending order, by nearest rank; NaN
 * when there are none.
 *
 * @example
 * ```ts
 * import { nearestRank } from "./stats.ts";
 * nearestRank([1, 2, 3, 4], 0.5); // 2
 * ```
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
