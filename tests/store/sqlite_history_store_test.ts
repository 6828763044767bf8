import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { DatabaseSync } from "node:sqlite";
import { type NewEvent, SqliteHistoryStore, StoreVersionError } from "../../src/store/mod.ts";
import { historyStoreContract } from "./history_store_contract.ts";
import { messageChangesContract } from "./message_changes_contract.ts";

for (const contract of [historyStoreContract, messageChangesContract]) {
  contract("SqliteHistoryStore", async () => {
    const dir = await Deno.makeTempDir({ prefix: "chat_store_test_" });
    const store = SqliteHistoryStore.open(`${dir}/chat.db`);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await Deno.remove(dir, { recursive: true });
      },
    };
  });
}

/** The storage version this code writes. */
const CURRENT = "9";

/** Runs `fn` with the path of a database file in a fresh directory, removed afterwards. */
async function withDatabasePath(fn: (path: string) => Promise<void> | void): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "chat_store_test_" });
  try {
    await fn(`${dir}/chat.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs SQL on the file directly, as another program or an older chat would. */
function withRawDatabase<T>(path: string, fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The schema a chat of storage version 1 wrote, copied here so that it can never change. */
const SCHEMA_V1 = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    room TEXT NOT NULL,
    type TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipient TEXT,
    text TEXT NOT NULL,
    event TEXT,
    nick TEXT,
    client_id TEXT UNIQUE
  );
  CREATE INDEX events_room_id ON events (room, id);
  INSERT INTO meta (key, value) VALUES ('schema_version', '1');
`;

/**
 * Turns today's file back into the version 5 layout: no search index (version 9), no changes to
 * messages (version 8), no host
 * controls' tables (version 7), the
 * private-message indexes of version 3 instead of those of version 6, and no read markers.
 * (Version 4 and 5 only added tables.)
 */
const VERSION_6_UNDONE = `
  DROP TABLE event_search;
  DROP TABLE reactions;
  DROP INDEX events_ref;
  ALTER TABLE events DROP COLUMN ref;
  ALTER TABLE events DROP COLUMN reply_to;
  ALTER TABLE events DROP COLUMN emoji;
  ALTER TABLE events DROP COLUMN flags;
  DROP TABLE operators;
  DROP TABLE bans;
  DROP TABLE mutes;
  DROP TABLE room_settings;
  DROP TABLE audit;
  ALTER TABLE events DROP COLUMN control;
  DROP INDEX events_direct_sender;
  DROP INDEX events_direct_recipient;
  DROP INDEX events_direct_pair;
  DROP TABLE read_markers;
  CREATE INDEX events_private_sender_key_id ON events (sender_key, id) WHERE type = 'private';
  CREATE INDEX events_private_recipient_key_id ON events (recipient_key, id)
    WHERE type = 'private';
`;

/** Writes a version 1 file holding one message, as chat 1 would have left it. */
function writeVersion1File(path: string): void {
  withRawDatabase(path, (db) => {
    db.exec(SCHEMA_V1);
    db.prepare(
      `INSERT INTO events (ts, room, type, sender, text, client_id)
       VALUES (1700000000000, 'lobby', 'message', 'ada', 'from version 1', 'rid-old')`,
    ).run();
  });
}

/** The upgrade to storage version 2 that chat 2 ran, copied here so that it can never change. */
const MIGRATION_V2 = `
  ALTER TABLE events ADD COLUMN file_name TEXT;
  ALTER TABLE events ADD COLUMN file_size INTEGER;
  ALTER TABLE events ADD COLUMN file_sha256 TEXT;
  ALTER TABLE events ADD COLUMN file_blob TEXT;
  CREATE INDEX events_type_room_id ON events (type, room, id);
  CREATE INDEX events_type_id ON events (type, id);
  UPDATE meta SET value = '2' WHERE key = 'schema_version';
`;

/** Private messages of a version 2 file: [sender, recipient, text]. */
const V2_PRIVATES: [string, string, string][] = [
  ["Ada", "bob", "ascii, mixed case"],
  ["bob", "ADA", "ascii, upper case"],
  ["bob", "carl", "not for ada"],
  ["Zo\u00EB", "ada", "composed"],
  ["carl", "ZOE\u0308", "decomposed"],
];

/**
 * Writes a version 2 file as chat 2 would have left it: a message, the private messages of
 * {@linkcode V2_PRIVATES}, then `fillers` private messages between two other users.
 */
function writeVersion2File(path: string, fillers = 0): void {
  withRawDatabase(path, (db) => {
    db.exec(SCHEMA_V1);
    db.exec(MIGRATION_V2);
    db.prepare(
      `INSERT INTO events (ts, room, type, sender, text, client_id)
       VALUES (1700000000000, 'lobby', 'message', 'ada', 'from version 2', 'rid-old')`,
    ).run();
    const insert = db.prepare(
      `INSERT INTO events (ts, room, type, sender, recipient, text)
       VALUES (1700000000000, 'lobby', 'private', ?, ?, ?)`,
    );
    for (const [from, to, text] of V2_PRIVATES) insert.run(from, to, text);
    db.exec("BEGIN");
    for (let i = 0; i < fillers; i++) insert.run("dora", "eve", `filler ${i}`);
    db.exec("COMMIT");
  });
}

function message(text: string): NewEvent {
  return { type: "message", room: "lobby", from: "ada", text, ts: 1_700_000_000_000 };
}

Deno.test("SqliteHistoryStore: open() creates the current storage version in WAL mode", async () => {
  await withDatabasePath(async (path) => {
    await SqliteHistoryStore.open(path).close();
    withRawDatabase(path, (db) => {
      const meta = db.prepare("SELECT key, value FROM meta ORDER BY key").all();
      assertEquals(meta.map((row) => ({ ...row })), [
        { key: "schema_version", value: CURRENT },
        { key: "search_through", value: "0" },
      ]);
      assertEquals(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    });
  });
});

Deno.test("SqliteHistoryStore: reopening keeps every event and continues ids above them", async () => {
  await withDatabasePath(async (path) => {
    const first = SqliteHistoryStore.open(path);
    const before: number[] = [];
    for (const text of ["a", "b", "c"]) before.push((await first.append(message(text))).event.id);
    await first.close();

    const second = SqliteHistoryStore.open(path);
    try {
      assertEquals(await second.count(), 3);
      const page = await second.page("lobby", { limit: 10 });
      assertEquals(page.map((event) => [event.id, event.text]), [
        [before[0], "a"],
        [before[1], "b"],
        [before[2], "c"],
      ]);
      const next = await second.append(message("d"));
      assert(next.event.id > before[2], `id ${next.event.id} must exceed ${before[2]}`);
    } finally {
      await second.close();
    }
  });
});

Deno.test("SqliteHistoryStore: ids are not reused after the newest event is deleted", async () => {
  await withDatabasePath(async (path) => {
    const first = SqliteHistoryStore.open(path);
    await first.append(message("a"));
    const newest = (await first.append(message("b"))).event.id;
    await first.close();
    withRawDatabase(path, (db) => db.prepare("DELETE FROM events WHERE id = ?").run(newest));

    const second = SqliteHistoryStore.open(path);
    try {
      const next = await second.append(message("c"));
      assert(next.event.id > newest, `id ${next.event.id} must exceed ${newest}`);
    } finally {
      await second.close();
    }
  });
});

Deno.test("SqliteHistoryStore: a failing batch rejects every append in it and stores none", async () => {
  await withDatabasePath(async (path) => {
    const store = SqliteHistoryStore.open(path);
    try {
      const broken = { ...message("broken"), text: null } as unknown as NewEvent;
      const batch = [store.append(message("a")), store.append(broken), store.append(message("b"))];
      for (const pending of batch) await assertRejects(() => pending, Error, "NOT NULL");
      assertEquals(await store.count(), 0);
      assertEquals((await store.append(message("after"))).created, true);
      assertEquals(await store.count(), 1);
    } finally {
      await store.close();
    }
  });
});

Deno.test("SqliteHistoryStore: open() refuses a newer storage version with StoreVersionError", async () => {
  await withDatabasePath(async (path) => {
    await SqliteHistoryStore.open(path).close();
    withRawDatabase(path, (db) => db.exec("UPDATE meta SET value = '99'"));
    const error: StoreVersionError = assertThrows(
      () => SqliteHistoryStore.open(path),
      StoreVersionError,
    );
    assertEquals(
      error.message,
      `The data in ${path} uses storage version 99 but this chat understands only up to ` +
        `version ${CURRENT}; upgrade chat or use another --data-dir.`,
    );
    assertEquals([error.version, error.supportedVersion, error.path], [99, Number(CURRENT), path]);
    const kept = withRawDatabase(path, (db) => db.prepare("SELECT value FROM meta").get()?.value);
    assertEquals(kept, "99");
  });
});

Deno.test("SqliteHistoryStore: open() refuses a file that is not a SQLite database", async () => {
  await withDatabasePath(async (path) => {
    const content = "these are my notes, not a database\n".repeat(40);
    await Deno.writeTextFile(path, content);
    const error: Error = assertThrows(() => SqliteHistoryStore.open(path), Error);
    assertEquals(
      error.message,
      `The file ${path} is not a SQLite database; move it away or use another --data-dir.`,
    );
    assertEquals(await Deno.readTextFile(path), content);
  });
});

Deno.test("SqliteHistoryStore: open() refuses a SQLite database of another program", async () => {
  await withDatabasePath((path) => {
    withRawDatabase(path, (db) => db.exec("CREATE TABLE recipes (name TEXT)"));
    assertThrows(
      () => SqliteHistoryStore.open(path),
      Error,
      `The file ${path} is a SQLite database of another program`,
    );
  });
});

Deno.test("SqliteHistoryStore: open() names the path when its folder does not exist", async () => {
  await withDatabasePath((path) => {
    const missing = `${path}/missing/chat.db`;
    assertThrows(() => SqliteHistoryStore.open(missing), Error, `database ${missing}`);
  });
});

Deno.test("SqliteHistoryStore: open() upgrades a version 1 file and keeps its events", async () => {
  await withDatabasePath(async (path) => {
    writeVersion1File(path);
    const store = SqliteHistoryStore.open(path);
    try {
      const old = { ...message("from version 1"), clientId: "rid-old" };
      assertEquals(await store.page("lobby", { limit: 10 }), [{ ...old, id: 1 }]);
      assertEquals(await store.append(old), { event: { ...old, id: 1 }, created: false });
      const sha256 = "cd".repeat(32);
      const file = { name: "notes.txt", size: 5, sha256, blob: sha256 };
      const shared = await store.append({ ...message("ada shared notes.txt"), type: "file", file });
      assertEquals(shared.event.id, 2);
      assertEquals(await store.file(2), shared.event);
      assertEquals(await store.files({ room: "lobby", limit: 10 }), [shared.event]);
    } finally {
      await store.close();
    }
    const version = withRawDatabase(path, (db) => db.prepare("SELECT value FROM meta").get());
    assertEquals(version?.value, CURRENT);
    const reopened = SqliteHistoryStore.open(path);
    try {
      assertEquals(await reopened.count(), 2);
    } finally {
      await reopened.close();
    }
  });
});

Deno.test("SqliteHistoryStore: a failed upgrade leaves the file at version 1", async () => {
  await withDatabasePath((path) => {
    writeVersion1File(path);
    // A column the upgrade adds already exists, so the upgrade fails half way through.
    withRawDatabase(path, (db) => db.exec("ALTER TABLE events ADD COLUMN file_blob TEXT"));
    assertThrows(() => SqliteHistoryStore.open(path), Error, "file_blob");
    withRawDatabase(path, (db) => {
      assertEquals(db.prepare("SELECT value FROM meta").get()?.value, "1");
      const columns = db.prepare("PRAGMA table_info(events)").all().map((row) => row.name);
      assertEquals(columns.includes("file_name"), false);
      assertEquals(db.prepare("SELECT COUNT(*) AS n FROM events").get()?.n, 1);
    });
  });
});

Deno.test("SqliteHistoryStore: open() upgrades a version 2 file and finds its private messages", async () => {
  await withDatabasePath(async (path) => {
    // More rows than the upgrade reads in one batch, with the interesting ones first and last.
    writeVersion2File(path, 2500);
    withRawDatabase(path, (db) => {
      db.prepare(
        `INSERT INTO events (ts, room, type, sender, recipient, text)
         VALUES (1700000000000, 'lobby', 'private', 'EVE', 'ada', 'after the fillers')`,
      ).run();
    });
    const store = SqliteHistoryStore.open(path);
    try {
      const texts = async (nick: string, after = 0) =>
        (await store.privates(nick, { after, limit: 10 })).map((event) => event.text);
      assertEquals(await texts("ada"), [
        "ascii, mixed case",
        "ascii, upper case",
        "composed",
        "after the fillers",
      ]);
      assertEquals(await texts("ADA", 3), ["composed", "after the fillers"]);
      assertEquals(await texts("zo\u00EB"), ["composed", "decomposed"]);
      assertEquals(await texts("Carl"), ["not for ada", "decomposed"]);
      assertEquals((await store.privates("eve", { after: 0, limit: 3000 })).length, 2501);
      const old = (await store.privates("ada", { after: 0, limit: 1 }))[0];
      assertEquals(old, {
        id: 2,
        type: "private",
        room: "lobby",
        from: "Ada",
        to: "bob",
        text: "ascii, mixed case",
        ts: 1_700_000_000_000,
      });
      assertEquals(await store.page("lobby", { after: 0, limit: 10 }), [
        { ...message("from version 2"), clientId: "rid-old", id: 1 },
      ]);
      const lastId = await store.lastId();
      assertEquals(lastId, 1 + V2_PRIVATES.length + 2500 + 1);
      const added = await store.append({
        type: "private",
        room: "lobby",
        from: "bob",
        to: "\uFF21DA",
        text: "new",
        ts: 1,
      });
      assertEquals(added.event.id, lastId + 1);
      assertEquals(await texts("ada", lastId), ["new"]);
    } finally {
      await store.close();
    }
    withRawDatabase(path, (db) => {
      assertEquals(db.prepare("SELECT value FROM meta").get()?.value, CURRENT);
      const keys = db.prepare(
        "SELECT sender_key, recipient_key FROM events WHERE id IN (1, 2, 5) ORDER BY id",
      ).all().map((row) => [row.sender_key, row.recipient_key]);
      assertEquals(keys, [[null, null], ["ada", "bob"], ["zo\u00EB", "ada"]]);
    });
  });
});

Deno.test("SqliteHistoryStore: open() upgrades a version 1 file with private messages to version 3", async () => {
  await withDatabasePath(async (path) => {
    writeVersion1File(path);
    withRawDatabase(path, (db) => {
      db.prepare(
        `INSERT INTO events (ts, room, type, sender, recipient, text)
         VALUES (1700000000000, 'lobby', 'private', 'Bob', 'ADA', 'from version 1')`,
      ).run();
    });
    const store = SqliteHistoryStore.open(path);
    try {
      const found = await store.privates("ada", { after: 0, limit: 10 });
      assertEquals(found.map((event) => [event.id, event.from, event.to]), [[2, "Bob", "ADA"]]);
      assertEquals(await store.privates("bob", { after: 0, limit: 10 }), found);
    } finally {
      await store.close();
    }
  });
});

Deno.test("SqliteHistoryStore: a failed upgrade leaves the file at version 2", async () => {
  await withDatabasePath((path) => {
    writeVersion2File(path);
    // An index the upgrade creates already exists, so the upgrade fails after adding columns.
    withRawDatabase(
      path,
      (db) => db.exec("CREATE INDEX events_private_sender_key_id ON events (id)"),
    );
    assertThrows(() => SqliteHistoryStore.open(path), Error, "events_private_sender_key_id");
    withRawDatabase(path, (db) => {
      assertEquals(db.prepare("SELECT value FROM meta").get()?.value, "2");
      const columns = db.prepare("PRAGMA table_info(events)").all().map((row) => row.name);
      assertEquals(columns.includes("sender_key"), false);
      assertEquals(db.prepare("SELECT COUNT(*) AS n FROM events").get()?.n, 1 + V2_PRIVATES.length);
    });
  });
});

Deno.test("SqliteHistoryStore: open() upgrades a version 3 file with an empty sessions table", async () => {
  await withDatabasePath(async (path) => {
    // A version 3 file is today's file without the sessions table.
    const first = SqliteHistoryStore.open(path);
    await first.append(message("from version 3"));
    await first.close();
    withRawDatabase(path, (db) => {
      db.exec(`
        DROP TABLE sessions; DROP TABLE devices; DROP TABLE nicks; DROP TABLE invites;
        DROP TABLE link_codes; UPDATE meta SET value = '3' WHERE key = 'schema_version'
      `);
      db.exec(VERSION_6_UNDONE);
    });
    const store = SqliteHistoryStore.open(path);
    try {
      assertEquals((await store.page("lobby", { limit: 5 })).map((event) => event.text), [
        "from version 3",
      ]);
    } finally {
      await store.close();
    }
    withRawDatabase(path, (db) => {
      assertEquals(db.prepare("SELECT value FROM meta").get()?.value, CURRENT);
      assertEquals(db.prepare("SELECT COUNT(*) AS n FROM sessions").get()?.n, 0);
    });
  });
});

Deno.test("SqliteHistoryStore: open() upgrades a version 5 file: its private messages form conversations", async () => {
  await withDatabasePath(async (path) => {
    const first = SqliteHistoryStore.open(path);
    await first.append({ ...message("hi"), type: "private", from: "Ada", to: "bob" });
    await first.append({ ...message("hi back"), type: "private", from: "bob", to: "ada" });
    await first.close();
    withRawDatabase(path, (db) => {
      db.exec(VERSION_6_UNDONE);
      db.exec("UPDATE meta SET value = '5' WHERE key = 'schema_version'");
    });
    const store = SqliteHistoryStore.open(path);
    try {
      const talk = await store.conversation("BOB", "ada", { after: 0, limit: 10 });
      assertEquals(talk.map((event) => event.text), ["hi", "hi back"]);
      assertEquals(await store.conversations("ada", { after: 0, limit: 10 }), [
        { with: "bob", lastId: 2 },
      ]);
    } finally {
      await store.close();
    }
    withRawDatabase(path, (db) => {
      assertEquals(db.prepare("SELECT value FROM meta").get()?.value, CURRENT);
      assertEquals(db.prepare("SELECT COUNT(*) AS n FROM read_markers").get()?.n, 0);
    });
  });
});

Deno.test("SqliteHistoryStore: messages not yet indexed when the process died are indexed at the next open", async () => {
  await withDatabasePath(async (path) => {
    const store = SqliteHistoryStore.open(path);
    await store.append({ type: "message", room: "lobby", from: "ada", text: "indexed", ts: 1 });
    await store.search({ text: "indexed", rooms: ["lobby"], nick: "ada", limit: 1 });
    await store.append({ type: "message", room: "lobby", from: "ada", text: "waiting", ts: 2 });
    await store.close();
    // As a killed process leaves it: the second message stored, the index and its mark not told.
    withRawDatabase(path, (db) => {
      db.exec(
        "INSERT INTO event_search (event_search, rowid, body) VALUES ('delete', 2, 'waiting')",
      );
      db.exec("UPDATE meta SET value = '1' WHERE key = 'search_through'");
      const left = db.prepare("SELECT rowid FROM event_search WHERE event_search MATCH 'waiting'");
      assertEquals(left.all().length, 0);
    });
    const reopened = SqliteHistoryStore.open(path);
    try {
      for (const word of ["indexed", "waiting"]) {
        const found = await reopened.search({
          text: word,
          rooms: ["lobby"],
          nick: "ada",
          limit: 5,
        });
        assertEquals(found.map((event) => event.text), [word]);
      }
    } finally {
      await reopened.close();
    }
  });
});
