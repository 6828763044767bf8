import { assertEquals } from "@std/assert";
import { DEFAULT_ROOM_SETTINGS, SqliteModerationStore } from "../../src/store/mod.ts";
import { moderationStoreContract } from "./moderation_store_contract.ts";

moderationStoreContract("SqliteModerationStore", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_moderation_test_" });
  const store = await SqliteModerationStore.open(`${dir}/chat.db`);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

Deno.test("SqliteModerationStore: everything survives closing and reopening the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_moderation_test_" });
  try {
    const path = `${dir}/chat.db`;
    const first = await SqliteModerationStore.open(path);
    await first.setOperator("Ana", true);
    await first.addBan({ nick: "ben", owner: "o2", by: "ana", at: 1, reason: "spam\u0000!" });
    await first.addBan({ nick: "ben", address: "192.0.2.7", by: "ana", at: 1, until: 9e12 });
    await first.addMute({ owner: "o3", nick: "cy", by: "ana", at: 1 });
    await first.setRoomSettings("news", { ...DEFAULT_ROOM_SETTINGS, announce: true });
    await first.appendAudit({ at: 1, by: "ana", action: "ban", nick: "ben" });
    await first.removeBans({ address: "192.0.2.7" });
    await first.close();

    const second = await SqliteModerationStore.open(path);
    assertEquals(await second.operators(), ["ana"]);
    assertEquals(await second.bans(2), [
      { nick: "ben", owner: "o2", by: "ana", at: 1, reason: "spam\u0000!" },
    ]);
    assertEquals((await second.muteOf("o3", 2))?.nick, "cy");
    assertEquals((await second.roomSettings("news")).announce, true);
    assertEquals((await second.audit({ limit: 5 })).map((entry) => entry.action), ["ban"]);
    assertEquals((await second.appendAudit({ at: 2, by: "ana", action: "kick" })).id, 2);
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
