import { assertEquals, assertRejects } from "@std/assert";
import type { LoginSession, SessionStore } from "../../src/store/mod.ts";
import { contractTest } from "./_contract.ts";

/** A fresh, empty store and the function that disposes of it. */
export interface SessionStoreFixture {
  store: SessionStore;
  cleanup(): Promise<void>;
}

const NOW = 1_800_000_000_000;

function session(id: string, fields: Partial<LoginSession> = {}): LoginSession {
  return { id, nick: "ada", owner: "o1", since: 10, expires: null, ...fields };
}

/**
 * Registers the tests that every {@linkcode SessionStore} must pass, each named
 * `${name}: <sentence>`. `make` is called once per test for an empty store.
 *
 * @example Run the suite against the memory store
 * ```ts ignore
 * sessionStoreContract("MemorySessionStore", () => {
 *   const store = new MemorySessionStore();
 *   return Promise.resolve({ store, cleanup: () => store.close() });
 * });
 * ```
 */
export function sessionStoreContract(
  name: string,
  make: () => Promise<SessionStoreFixture>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.store);

  test("find() returns a created session by its token hash, and nothing for another", async (store) => {
    await store.create("h1", session("s1", { nick: "Ada", since: 42 }));
    assertEquals(await store.find("h1", NOW), session("s1", { nick: "Ada", since: 42 }));
    assertEquals(await store.find("h2", NOW), undefined);
  });

  test("create() refuses a second session with the same token hash or id", async (store) => {
    await store.create("h1", session("s1"));
    await assertRejects(() => store.create("h1", session("s2")));
    await assertRejects(() => store.create("h2", session("s1")));
    assertEquals((await store.find("h1", NOW))?.id, "s1");
  });

  test("a held session never expires; a released one can be found until its expiry", async (store) => {
    await store.create("h1", session("s1"));
    assertEquals((await store.find("h1", NOW * 2))?.id, "s1", "held: no expiry");
    await store.update("s1", { expires: NOW + 1000 });
    assertEquals((await store.find("h1", NOW + 1000))?.expires, NOW + 1000, "to the millisecond");
    assertEquals(await store.find("h1", NOW + 1001), undefined, "then gone");
    await store.update("s1", { expires: null });
    assertEquals((await store.find("h1", NOW + 5000))?.expires, null, "held again");
  });

  test("update() renames a session, and ignores an unknown id", async (store) => {
    await store.create("h1", session("s1"));
    await store.update("s1", { nick: "ada_b" });
    await store.update("nope", { nick: "x", expires: 1 });
    assertEquals((await store.find("h1", NOW))?.nick, "ada_b");
  });

  test("findDropped() finds the newest released, unexpired session of a nick, case-insensitively", async (store) => {
    await store.create("h1", session("old", { nick: "Bob", since: 1, expires: NOW + 100 }));
    await store.create("h2", session("new", { nick: "bob", since: 5, expires: NOW + 100 }));
    await store.create("h3", session("held", { nick: "BOB", since: 9 }));
    await store.create("h4", session("gone", { nick: "bob", since: 7, expires: NOW - 1 }));
    await store.create("h5", session("other", { nick: "carol", since: 8, expires: NOW + 100 }));
    assertEquals((await store.findDropped("BoB", NOW))?.id, "new");
    assertEquals(await store.findDropped("dave", NOW), undefined);
    await store.update("new", { expires: null });
    assertEquals((await store.findDropped("bob", NOW))?.id, "old", "a held one is not dropped");
  });

  test("releaseAll() gives every held session an expiry and leaves released ones alone", async (store) => {
    await store.create("h1", session("held"));
    await store.create("h2", session("released", { expires: NOW + 5 }));
    await store.releaseAll(NOW + 600_000);
    assertEquals((await store.find("h1", NOW))?.expires, NOW + 600_000);
    assertEquals((await store.find("h2", NOW))?.expires, NOW + 5);
  });

  test("sweep() forgets expired sessions only", async (store) => {
    await store.create("h1", session("held"));
    await store.create("h2", session("expired", { expires: NOW - 1 }));
    await store.create("h3", session("valid", { expires: NOW + 1 }));
    assertEquals(await store.sweep(NOW), 1);
    assertEquals(await store.find("h2", 0), undefined, "gone, even for an earlier clock");
    assertEquals((await store.find("h1", NOW))?.id, "held");
    assertEquals((await store.find("h3", NOW))?.id, "valid");
    assertEquals(await store.sweep(NOW), 0);
  });

  test("wipe() forgets every session, held or not", async (store) => {
    await store.create("h1", session("held"));
    await store.create("h2", session("dropped", { expires: NOW + 1000 }));
    await store.wipe();
    assertEquals(await store.find("h1", NOW), undefined);
    assertEquals(await store.findDropped("ada", NOW), undefined);
    await store.create("h1", session("held"));
    assertEquals((await store.find("h1", NOW))?.id, "held");
  });

  test("every method rejects once the store is closed", async (store) => {
    await store.close();
    await assertRejects(() => store.create("h1", session("s1")));
    await assertRejects(() => store.find("h1", NOW));
    await assertRejects(() => store.findDropped("ada", NOW));
    await assertRejects(() => store.update("s1", { nick: "x" }));
    await assertRejects(() => store.releaseAll(NOW));
    await assertRejects(() => store.sweep(NOW));
  });
}
