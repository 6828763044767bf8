import { assert, assertEquals } from "@std/assert";
import { databaseHolds as onDisk } from "../support/mod.ts";
import {
  SqliteHistoryStore,
  SqliteReadMarkerStore,
  SqliteSessionStore,
} from "../../src/store/mod.ts";

async function withDatabasePath(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "chat_erase_test_" });
  try {
    await fn(`${dir}/chat.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("SqliteHistoryStore: deleteBefore() leaves nothing of the deleted text in the file or its -wal", async () => {
  await withDatabasePath(async (path) => {
    const store = SqliteHistoryStore.open(path);
    try {
      const secret = `retention-secret-${crypto.randomUUID()}`;
      const keeper = `retention-keeper-${crypto.randomUUID()}`;
      for (let i = 0; i < 50; i++) {
        await store.append({
          type: "message",
          room: "lobby",
          from: "ada",
          text: `${secret} ${i}`,
          ts: 100,
        });
      }
      await store.append({
        type: "private",
        room: "lobby",
        from: "ada",
        to: "bob",
        text: secret,
        ts: 100,
      });
      await store.append({ type: "message", room: "lobby", from: "ada", text: keeper, ts: 300 });
      assert(await onDisk(path, secret), "the text is on disk before the deletion");
      assertEquals((await store.deleteBefore(200)).events, 51);
      assertEquals(await onDisk(path, secret), false, "the deleted text is gone from the bytes");
      assert(await onDisk(path, keeper), "the kept text is still there");
      assertEquals((await store.page("lobby", { limit: 10 })).map((event) => event.text), [keeper]);
    } finally {
      await store.close();
    }
  });
});

Deno.test("SqliteHistoryStore, read markers and sessions: wipe() leaves nothing of what they held on disk", async () => {
  await withDatabasePath(async (path) => {
    const history = SqliteHistoryStore.open(path);
    const markers = SqliteReadMarkerStore.open(path);
    const sessions = SqliteSessionStore.open(path);
    try {
      const secret = `wipe-secret-${crypto.randomUUID()}`;
      const room = `wipe${crypto.randomUUID().slice(0, 8)}`;
      const nick = `wipenick${crypto.randomUUID().slice(0, 8)}`;
      for (let i = 0; i < 20; i++) {
        await history.append({ type: "message", room, from: "ada", text: `${secret} ${i}`, ts: i });
      }
      await markers.mark("owner-1", `#${room}`, 5);
      await sessions.create("hash-1", {
        id: "s1",
        nick,
        owner: "owner-1",
        since: 0,
        expires: null,
      });
      for (const text of [secret, room, nick]) {
        assert(await onDisk(path, text), `${text} is on disk`);
      }
      await history.wipe();
      await markers.wipe();
      await sessions.wipe();
      for (const text of [secret, room, nick]) {
        assertEquals(await onDisk(path, text), false, `${text} is gone from the bytes`);
      }
      assertEquals(await history.count(), 0);
    } finally {
      await Promise.all([history.close(), markers.close(), sessions.close()]);
    }
  });
});
