import { assertEquals, assertRejects } from "@std/assert";
import type { Device, IdentityStore } from "../../src/store/mod.ts";
import { contractTest } from "./_contract.ts";

/** A fresh, empty store and the function that disposes of it. */
export interface IdentityStoreFixture {
  store: IdentityStore;
  cleanup(): Promise<void>;
}

function device(id: string, fields: Partial<Device> = {}): Device {
  return {
    id,
    owner: "o1",
    secretHash: `hash-${id}`,
    passkeyTag: "tag1",
    name: "chat/test",
    createdAt: 10,
    lastSeen: 10,
    ...fields,
  };
}

/**
 * Registers the tests every {@linkcode IdentityStore} must pass, each named `${name}: <sentence>`;
 * `make` is called once per test for an empty store.
 *
 * @example
 * ```ts ignore
 * identityStoreContract("MemoryIdentityStore", () => {
 *   const store = new MemoryIdentityStore();
 *   return Promise.resolve({ store, cleanup: () => store.close() });
 * });
 * ```
 */
export function identityStoreContract(
  name: string,
  make: () => Promise<IdentityStoreFixture>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.store);

  test("device() returns a stored device, devicesOf() an owner's devices oldest first", async (store) => {
    await store.addDevice(device("d2", { createdAt: 20, name: "Zoë's phone" }));
    await store.addDevice(device("d1"));
    await store.addDevice(device("d3", { owner: "o2" }));
    assertEquals(await store.device("d2"), device("d2", { createdAt: 20, name: "Zoë's phone" }));
    assertEquals(await store.device("nope"), undefined);
    assertEquals((await store.devicesOf("o1")).map((d) => d.id), ["d1", "d2"]);
    assertEquals(await store.devicesOf("o9"), []);
    await assertRejects(() => store.addDevice(device("d1")));
  });

  test("touchDevice() records the last use, removeDevice() forgets a device", async (store) => {
    await store.addDevice(device("d1"));
    await store.touchDevice("d1", 99);
    assertEquals((await store.device("d1"))?.lastSeen, 99);
    assertEquals(await store.removeDevice("d1"), true);
    assertEquals(await store.removeDevice("d1"), false);
    assertEquals(await store.device("d1"), undefined);
  });

  test("claimNick() gives a nick to its first owner only, case-insensitively", async (store) => {
    assertEquals(await store.claimNick("Ada", "o1", 1), { owner: "o1", since: 1 });
    assertEquals(await store.claimNick("ADA", "o2", 2), { owner: "o1", since: 1 });
    assertEquals(await store.claimNick("ada", "o1", 3), { owner: "o1", since: 1 });
    assertEquals(await store.nickOwner("aDa"), { owner: "o1", since: 1 });
    assertEquals(await store.nickOwner("bob"), undefined);
    assertEquals(await store.nicksOf("o1"), ["Ada"]);
  });

  test("claims of one nick at the same instant leave it with exactly one owner", async (store) => {
    const claims = await Promise.all(["o1", "o2", "o3"].map((o) => store.claimNick("bo", o, 1)));
    assertEquals(new Set(claims.map((claim) => claim.owner)).size, 1);
  });

  test("releaseNick() frees a nick for the next claim", async (store) => {
    await store.claimNick("ada", "o1", 1);
    await store.claimNick("zed", "o1", 1);
    assertEquals(await store.releaseNick("ADA"), true);
    assertEquals(await store.releaseNick("ada"), false);
    assertEquals(await store.claimNick("ada", "o2", 2), { owner: "o2", since: 2 });
    assertEquals(await store.nicksOf("o1"), ["zed"]);
  });

  test("invite() finds an invite until it expires", async (store) => {
    const invite = { tokenHash: "t1", passkeyTag: "tag1", createdAt: 1, expires: 100 };
    await store.addInvite(invite);
    assertEquals(await store.invite("t1", 100), invite);
    assertEquals(await store.invite("t1", 101), undefined);
    assertEquals(await store.invite("t2", 1), undefined);
  });

  test("takeLinkCode() lets one device in per code, until it expires", async (store) => {
    await store.addLinkCode({ codeHash: "c1", owner: "o1", expires: 100 });
    await store.addLinkCode({ codeHash: "c2", owner: "o2", expires: 100 });
    assertEquals(await store.takeLinkCode("c1", 50), "o1");
    assertEquals(await store.takeLinkCode("c1", 50), undefined, "used up");
    assertEquals(await store.takeLinkCode("c2", 101), undefined, "expired");
    assertEquals(await store.takeLinkCode("c2", 50), undefined, "an expired code is gone");
  });

  test("sweep() forgets expired invites and link codes only", async (store) => {
    await store.addInvite({ tokenHash: "old", passkeyTag: "t", createdAt: 1, expires: 5 });
    await store.addInvite({ tokenHash: "new", passkeyTag: "t", createdAt: 1, expires: 50 });
    await store.addLinkCode({ codeHash: "c1", owner: "o1", expires: 5 });
    assertEquals(await store.sweep(10), 2);
    assertEquals((await store.invite("new", 10))?.tokenHash, "new");
    assertEquals(await store.sweep(10), 0);
  });

  test("every method rejects once the store is closed", async (store) => {
    await store.close();
    await assertRejects(() => store.device("d1"));
    await assertRejects(() => store.claimNick("ada", "o1", 1));
    await assertRejects(() => store.invite("t", 1));
    await assertRejects(() => store.takeLinkCode("c", 1));
  });
}
