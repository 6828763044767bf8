import { assertEquals, assertRejects } from "@std/assert";
import type { ReadMarkerStore } from "../../src/store/mod.ts";
import { contractTest } from "./_contract.ts";

/** A fresh, empty store and the function that disposes of it. */
export interface ReadMarkerStoreFixture {
  store: ReadMarkerStore;
  cleanup(): Promise<void>;
}

/**
 * Registers the tests that every {@linkcode ReadMarkerStore} must pass, each named
 * `${name}: <sentence>`. `make` is called once per test for an empty store.
 *
 * @example Run the suite against the memory store
 * ```ts ignore
 * readMarkerStoreContract("MemoryReadMarkerStore", () => {
 *   const store = new MemoryReadMarkerStore();
 *   return Promise.resolve({ store, cleanup: () => store.close() });
 * });
 * ```
 */
export function readMarkerStoreContract(
  name: string,
  make: () => Promise<ReadMarkerStoreFixture>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.store);

  test("markers() is empty for someone who never read anything", async (store) => {
    assertEquals(await store.markers("o1"), new Map());
  });

  test("mark() creates a marker and moves it forward, never back", async (store) => {
    assertEquals(await store.mark("o1", "#lobby", 5), 5);
    assertEquals(await store.mark("o1", "#lobby", 9), 9);
    assertEquals(await store.mark("o1", "#lobby", 7), 9);
    assertEquals(await store.markers("o1"), new Map([["#lobby", 9]]));
  });

  test("markers are per owner and per place", async (store) => {
    await store.mark("o1", "#lobby", 5);
    await store.mark("o1", "@bob", 3);
    await store.mark("o2", "#lobby", 8);
    assertEquals(await store.markers("o1"), new Map([["#lobby", 5], ["@bob", 3]]));
    assertEquals(await store.markers("o2"), new Map([["#lobby", 8]]));
  });

  test("a place key keeps any text, non-ASCII and NUL included", async (store) => {
    await store.mark("o1", "@zoë\u0000x", 1);
    assertEquals(await store.markers("o1"), new Map([["@zoë\u0000x", 1]]));
  });

  test("mark() rejects an id that is not a non-negative integer", async (store) => {
    await assertRejects(() => store.mark("o1", "#lobby", -1), RangeError);
    await assertRejects(() => store.mark("o1", "#lobby", 1.5), RangeError);
    assertEquals(await store.markers("o1"), new Map());
  });

  test("wipe() deletes every marker of everyone", async (store) => {
    await store.mark("o1", "#lobby", 5);
    await store.mark("o2", "@ana", 8);
    await store.wipe();
    assertEquals(await store.markers("o1"), new Map());
    assertEquals(await store.markers("o2"), new Map());
    assertEquals(await store.mark("o1", "#lobby", 2), 2);
  });

  test("calls after close() reject", async (store) => {
    await store.close();
    await assertRejects(() => store.mark("o1", "#lobby", 1), Error, "closed");
    await assertRejects(() => store.markers("o1"), Error, "closed");
  });
}
