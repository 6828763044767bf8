import { assertEquals } from "@std/assert";
import { DatabaseSync } from "node:sqlite";
import { SearchIndexer } from "../../src/store/_search_indexer.ts";
import { createSearchIndex } from "../../src/store/_sqlite_search.ts";

/** A database with the events columns the index reads, and the index. */
function database(): DatabaseSync {
  const db = new DatabaseSync(":memory:");
  db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE events (id INTEGER PRIMARY KEY, type TEXT, text TEXT, file_name TEXT,
      flags INTEGER NOT NULL DEFAULT 0)`);
  createSearchIndex(db);
  return db;
}

function found(db: DatabaseSync, word: string): number[] {
  return db.prepare("SELECT rowid FROM event_search WHERE event_search MATCH ? ORDER BY rowid")
    .all(word).map((row) => Number(row.rowid));
}

Deno.test("SearchIndexer: a rolled-back transaction forgets the messages it added and keeps what waited before", () => {
  const db = database();
  const indexer = new SearchIndexer(db);
  indexer.add({ id: 1, type: "message", text: "apple" });
  db.exec("BEGIN");
  indexer.begin();
  indexer.add({ id: 2, type: "message", text: "banana" });
  indexer.indexWaiting();
  db.exec("ROLLBACK");
  indexer.rollback();
  indexer.flush();
  assertEquals([found(db, "apple"), found(db, "banana")], [[1], []]);
  const mark = db.prepare("SELECT value FROM meta WHERE key = 'search_through'").get();
  assertEquals(mark?.value, "1");
  db.close();
});

Deno.test("SearchIndexer: catchUp() indexes what was stored above the mark, not twice", () => {
  const db = database();
  db.exec("INSERT INTO events (id, type, text) VALUES (1, 'message', 'apple'), (2, 'notice', 'x')");
  db.exec("INSERT INTO events (id, type, text) VALUES (3, 'message', 'banana')");
  const indexer = new SearchIndexer(db);
  indexer.catchUp();
  indexer.catchUp();
  assertEquals([found(db, "apple"), found(db, "banana")], [[1], [3]]);
  db.close();
});
