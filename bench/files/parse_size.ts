/**
 * The `--size` option of the file-transfer benchmark: the sizes people say (64M, 1G), in
 * powers of 1024 like the file sizes the CLI prints.
 *
 * @module
 */

/** `64M`, `1G`, `1048576`: K, M, G are powers of 1024. */
export function parseSize(text: string): number {
  const match = /^(\d+)([KMG]?)$/i.exec(text.trim());
  const units: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
  const unit = match === null ? undefined : units[match[2].toUpperCase()];
  const value = match === null || unit === undefined ? NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Size "${text}" is not a number of bytes or K, M, G such as 64M or 1G`);
  }
  return value;
}
