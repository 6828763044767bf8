import { assertEquals } from "@std/assert";
import { SqliteReadMarkerStore } from "../../src/store/mod.ts";
import { readMarkerStoreContract } from "./read_marker_store_contract.ts";

readMarkerStoreContract("SqliteReadMarkerStore", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_read_markers_test_" });
  const store = SqliteReadMarkerStore.open(`${dir}/chat.db`);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

Deno.test("SqliteReadMarkerStore: markers survive closing and reopening the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_read_markers_test_" });
  try {
    const first = SqliteReadMarkerStore.open(`${dir}/chat.db`);
    await first.mark("o1", "#lobby", 12);
    await first.close();
    const second = SqliteReadMarkerStore.open(`${dir}/chat.db`);
    assertEquals(await second.markers("o1"), new Map([["#lobby", 12]]));
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
