import { assertEquals, assertRejects } from "@std/assert";
import { DEFAULT_ROOM_SETTINGS, type ModerationStore } from "../../src/store/mod.ts";
import { contractTest } from "./_contract.ts";

/** A fresh, empty store and the function that disposes of it. */
export interface ModerationStoreFixture {
  store: ModerationStore;
  cleanup(): Promise<void>;
}

/**
 * Registers the tests that every {@linkcode ModerationStore} must pass, each named
 * `${name}: <sentence>`. `make` is called once per test for an empty store.
 *
 * @example Run the suite against the memory store
 * ```ts ignore
 * moderationStoreContract("MemoryModerationStore", () => {
 *   const store = new MemoryModerationStore();
 *   return Promise.resolve({ store, cleanup: () => store.close() });
 * });
 * ```
 */
export function moderationStoreContract(
  name: string,
  make: () => Promise<ModerationStoreFixture>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.store);

  test("operators are nicks compared as nicks; setOperator() says whether anything changed", async (store) => {
    assertEquals(await store.operators(), []);
    assertEquals(await store.setOperator("Ana", true), true);
    assertEquals(await store.setOperator("ANA", true), false);
    assertEquals(await store.isOperator("ana"), true);
    assertEquals(await store.isOperator("ben"), false);
    await store.setOperator("ben", true);
    assertEquals(await store.operators(), ["ana", "ben"]);
    assertEquals(await store.setOperator("ana", false), true);
    assertEquals(await store.setOperator("ana", false), false);
    assertEquals(await store.operators(), ["ben"]);
  });

  test("bans of an owner or an address are in force until they end; a new one replaces the old", async (store) => {
    await store.addBan({ nick: "ben", owner: "o2", by: "ana", at: 1, until: 100, reason: "spam" });
    await store.addBan({ nick: "ben", address: "192.0.2.7", by: "ana", at: 1 });
    await store.addBan({ nick: "cy", owner: "o3", by: "ana", at: 2, until: 50 });
    assertEquals(await store.bans(10), [
      { nick: "ben", owner: "o2", by: "ana", at: 1, until: 100, reason: "spam" },
      { nick: "ben", address: "192.0.2.7", by: "ana", at: 1 },
      { nick: "cy", owner: "o3", by: "ana", at: 2, until: 50 },
    ]);
    assertEquals((await store.bans(50)).map((ban) => ban.nick), ["ben", "ben"], "cy's ended");
    // Banned again: the new ban of o2 replaces the old one.
    await store.addBan({ nick: "Ben2", owner: "o2", by: "dee", at: 60 });
    assertEquals(await store.bans(1000), [
      { nick: "ben", address: "192.0.2.7", by: "ana", at: 1 },
      { nick: "Ben2", owner: "o2", by: "dee", at: 60 },
    ]);
  });

  test("removeBans() lifts the bans of a nick (both kinds) or of an address", async (store) => {
    await store.addBan({ nick: "ben", owner: "o2", by: "ana", at: 1 });
    await store.addBan({ nick: "ben", address: "192.0.2.7", by: "ana", at: 1 });
    await store.addBan({ nick: "cy", address: "192.0.2.8", by: "ana", at: 1 });
    assertEquals(await store.removeBans({ address: "192.0.2.8" }), 1);
    assertEquals(await store.removeBans({ nick: "BEN" }), 2);
    assertEquals(await store.removeBans({ nick: "ben" }), 0);
    assertEquals(await store.bans(0), []);
  });

  test("a ban names an owner or an address", async (store) => {
    await assertRejects(() => store.addBan({ nick: "ben", by: "ana", at: 1 }), Error, "owner");
    await assertRejects(
      () => store.addBan({ owner: "o2", address: "192.0.2.7", by: "ana", at: 1 }),
      Error,
      "owner",
    );
  });

  test("a mute holds until it ends or is lifted; a new one replaces the old", async (store) => {
    assertEquals(await store.muteOf("o2", 0), undefined);
    await store.addMute({ owner: "o2", nick: "ben", by: "ana", at: 1, until: 100 });
    assertEquals(await store.muteOf("o2", 99), {
      owner: "o2",
      nick: "ben",
      by: "ana",
      at: 1,
      until: 100,
    });
    assertEquals(await store.muteOf("o2", 100), undefined, "ended");
    await store.addMute({ owner: "o2", nick: "ben", by: "ana", at: 200, reason: "calm down" });
    assertEquals((await store.muteOf("o2", 1e12))?.reason, "calm down");
    assertEquals(await store.removeMute("o2"), true);
    assertEquals(await store.removeMute("o2"), false);
    assertEquals(await store.muteOf("o2", 300), undefined);
  });

  test("a room's settings are the defaults until set, then what was set", async (store) => {
    assertEquals(await store.roomSettings("lobby"), DEFAULT_ROOM_SETTINGS);
    const settings = { ...DEFAULT_ROOM_SETTINGS, topic: "Quiz at 10", slowSeconds: 10 };
    await store.setRoomSettings("lobby", settings);
    assertEquals(await store.roomSettings("lobby"), settings);
    assertEquals(await store.roomSettings("lab"), DEFAULT_ROOM_SETTINGS);
    // What was returned is a copy.
    (await store.roomSettings("lobby")).topic = "changed";
    assertEquals((await store.roomSettings("lobby")).topic, "Quiz at 10");
  });

  test("the audit log numbers entries from 1 and pages them newest first", async (store) => {
    const first = await store.appendAudit({ at: 1, by: "ana", action: "kick", nick: "ben" });
    assertEquals(first, { id: 1, at: 1, by: "ana", action: "kick", nick: "ben" });
    for (let i = 2; i <= 5; i++) {
      await store.appendAudit({
        at: i,
        by: "ana",
        action: "mute",
        nick: "ben",
        room: "lobby",
        reason: `r${i}`,
        until: 100 + i,
        detail: "d",
      });
    }
    assertEquals((await store.audit({ limit: 2 })).map((entry) => entry.id), [5, 4]);
    assertEquals((await store.audit({ before: 4, limit: 10 })).map((entry) => entry.id), [3, 2, 1]);
    assertEquals((await store.audit({ before: 3, limit: 1 }))[0], {
      id: 2,
      at: 2,
      by: "ana",
      action: "mute",
      nick: "ben",
      room: "lobby",
      reason: "r2",
      until: 102,
      detail: "d",
    });
  });

  test("a closed store refuses every call", async (store) => {
    await store.close();
    await assertRejects(() => store.isOperator("ana"), Error, "closed");
    await assertRejects(() => store.appendAudit({ at: 1, by: "a", action: "kick" }), Error);
  });
}
