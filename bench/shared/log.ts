/**
 * Progress of a long benchmark run, on stderr so that stdout holds only the report.
 *
 * @module
 */

/** A progress line on stderr. */
export function log(line: string): void {
  console.error(`[bench] ${line}`);
}
