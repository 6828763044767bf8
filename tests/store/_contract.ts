/**
 * What every contract suite's tests share: each runs on a fresh fixture from the suite's
 * `make`, which is cleaned up after it whatever happens.
 *
 * @module
 */

/**
 * The `test` function of a contract suite: registers `${name}: ${title}` with Deno, giving `fn`
 * the `subject` of a fresh fixture and cleaning the fixture up after it.
 *
 * @example
 * ```ts ignore
 * const test = contractTest(name, make, (fixture) => fixture.store);
 * test("append() assigns increasing ids", async (store) => {});
 * ```
 */
export function contractTest<F extends { cleanup(): Promise<void> }, S>(
  name: string,
  make: () => Promise<F>,
  subject: (fixture: F) => S,
): (title: string, fn: (subject: S) => Promise<void>) => void {
  return (title, fn) => {
    Deno.test(`${name}: ${title}`, async () => {
      const fixture = await make();
      try {
        await fn(subject(fixture));
      } finally {
        await fixture.cleanup();
      }
    });
  };
}
