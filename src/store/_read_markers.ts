/** Throws a `RangeError` unless `id` can be a read marker: a non-negative safe integer. */
export function assertMarkerId(id: number): void {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new RangeError(`Read marker ${id} is not a non-negative integer`);
  }
}
