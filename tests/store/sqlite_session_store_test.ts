import { assert, assertEquals } from "@std/assert";
import { DatabaseSync } from "node:sqlite";
import { SqliteHistoryStore, SqliteSessionStore } from "../../src/store/mod.ts";
import { sessionStoreContract } from "./session_store_contract.ts";

sessionStoreContract("SqliteSessionStore", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_sessions_test_" });
  const store = SqliteSessionStore.open(`${dir}/chat.db`);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

Deno.test("SqliteSessionStore: sessions survive closing and reopening the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_sessions_test_" });
  try {
    const first = SqliteSessionStore.open(`${dir}/chat.db`);
    await first.create("h1", { id: "s1", nick: "Zoë", owner: "o1", since: 3, expires: null });
    await first.close();
    const second = SqliteSessionStore.open(`${dir}/chat.db`);
    assertEquals(await second.find("h1", 0), {
      id: "s1",
      nick: "Zoë",
      owner: "o1",
      since: 3,
      expires: null,
    });
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteSessionStore: shares chat.db with the history store, each on its own connection", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_sessions_test_" });
  try {
    const history = SqliteHistoryStore.open(`${dir}/chat.db`);
    const sessions = SqliteSessionStore.open(`${dir}/chat.db`);
    const { event } = await history.append({
      type: "message",
      room: "lobby",
      from: "ada",
      text: "hi",
      ts: 0,
    });
    await sessions.create("h1", {
      id: "s1",
      nick: "ada",
      owner: "o1",
      since: event.id,
      expires: null,
    });
    assertEquals(await history.lastId(), event.id);
    await Promise.all([history.close(), sessions.close()]);
    const db = new DatabaseSync(`${dir}/chat.db`);
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all().map((row) => row.name);
      assert(tables.includes("sessions") && tables.includes("events"), tables.join(", "));
      assertEquals(db.prepare("SELECT token_hash, id FROM sessions").all().map((r) => ({ ...r })), [
        { token_hash: "h1", id: "s1" },
      ]);
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
