/**
 * Runs `work` now and reports its result or its error as a promise, as an asynchronous store
 * would: a synchronous throw becomes a rejection, never an exception at the call.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
