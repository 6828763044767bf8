/**
 * How the fan-out report writes its numbers: latencies to the precision that means something at
 * their size, ratios with a ×, and a dash for what was not measured rather than NaN.
 *
 * @module
 */

/** `value` as a multiple of `reference`, such as `1.25×`; a dash when there is none. */
export function ratio(value: number, reference: number): string {
  return Number.isFinite(value) && Number.isFinite(reference) && reference > 0
    ? `${(value / reference).toFixed(2)}×`
    : "–";
}

/** Milliseconds with two, one or no decimals as they grow; a dash for none. */
export function ms(value: number): string {
  return Number.isNaN(value)
    ? "–"
    : value < 10
    ? value.toFixed(2)
    : value < 100
    ? value.toFixed(1)
    : value.toFixed(0);
}

/** A fraction as a whole percentage; empty when unknown. */
export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(0)} %` : "";
}
