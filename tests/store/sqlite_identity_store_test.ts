import { assertEquals } from "@std/assert";
import { SqliteIdentityStore } from "../../src/store/mod.ts";
import { identityStoreContract } from "./identity_store_contract.ts";

identityStoreContract("SqliteIdentityStore", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_identity_test_" });
  const store = SqliteIdentityStore.open(`${dir}/chat.db`);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

Deno.test("SqliteIdentityStore: devices and nicks survive reopening the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_identity_test_" });
  try {
    const first = SqliteIdentityStore.open(`${dir}/chat.db`);
    await first.addDevice({
      id: "d1",
      owner: "o1",
      secretHash: "h",
      passkeyTag: "t",
      name: "x",
      createdAt: 1,
      lastSeen: 1,
    });
    await first.claimNick("Zoë", "o1", 1);
    await first.close();
    const second = SqliteIdentityStore.open(`${dir}/chat.db`);
    assertEquals((await second.device("d1"))?.owner, "o1");
    assertEquals(await second.nickOwner("ZOË"), { owner: "o1", since: 1 });
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
