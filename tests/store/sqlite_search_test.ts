import { assert, assertEquals, assertThrows } from "@std/assert";
import type { DatabaseSync } from "node:sqlite";
import { parseSearchTerms } from "../../src/chat/search_terms.ts";
import { nickKey } from "../../src/protocol/names.ts";
import { openChatDatabase } from "../../src/store/_sqlite_schema.ts";
import { eraseDeleted } from "../../src/store/_sqlite_erase.ts";
import {
  clearSearchIndex,
  createSearchIndex,
  indexEvent,
  type SearchFilter,
  searchIds,
  unindexEvent,
  unindexEventsBefore,
} from "../../src/store/_sqlite_search.ts";
import { databaseHolds } from "../support/mod.ts";
import { SEARCH_CASES } from "../chat/_search_cases.ts";

interface TestEvent {
  type?: string;
  room?: string;
  from?: string;
  to?: string;
  text: string;
  ts?: number;
  fileName?: string;
}

/** A real chat database in a temporary folder, with the search index. */
async function withDatabase(fn: (db: DatabaseSync, path: string) => void | Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "chat_search_test_" });
  const path = `${dir}/chat.db`;
  const db = openChatDatabase(path);
  try {
    const present = db.prepare(
      "SELECT 1 FROM sqlite_master WHERE name = 'event_search'",
    ).get();
    if (present === undefined) createSearchIndex(db);
    await fn(db, path);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Stores an event as the SQLite history store does, and indexes it; returns its id. */
function add(db: DatabaseSync, event: TestEvent): number {
  const type = event.type ?? (event.to === undefined ? "message" : "private");
  const from = event.from ?? "ada";
  const to = event.to ?? null;
  const { lastInsertRowid } = db.prepare(
    `INSERT INTO events (ts, room, type, sender, recipient, text, file_name, sender_key,
       recipient_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    event.ts ?? 0,
    event.room ?? "lab",
    type,
    from,
    to,
    event.text,
    event.fileName ?? null,
    to === null ? null : nickKey(from),
    to === null ? null : nickKey(to),
  );
  const id = Number(lastInsertRowid);
  indexEvent(db, {
    id,
    type,
    text: event.text,
    file: event.fileName === undefined ? undefined : { name: event.fileName },
  });
  return id;
}

function find(
  db: DatabaseSync,
  search: string,
  filter: Partial<SearchFilter> = {},
): number[] {
  return searchIds(db, parseSearchTerms(search), {
    rooms: ["lab"],
    privateKey: "ada",
    limit: 100,
    ...filter,
  }).ids;
}

Deno.test("searchIds() finds what the search cases say, as matchesSearchTerms() does", async () => {
  await withDatabase((db) => {
    for (const { text, search, found } of SEARCH_CASES) {
      const id = add(db, { text, room: "cases" });
      const ids = find(db, search, { rooms: ["cases"] });
      assertEquals(ids.includes(id), found, `${search} in ${text}`);
      unindexEvent(db, id);
      db.prepare("DELETE FROM events WHERE id = ?").run(id);
    }
  });
});

Deno.test("searchIds() returns the newest first and pages with before and more", async () => {
  await withDatabase((db) => {
    const ids = [1, 2, 3, 4, 5].map((n) => add(db, { text: `zebra number ${n}` }));
    add(db, { text: "no match here" });
    const filter = { rooms: ["lab"], privateKey: "ada", limit: 2 };
    const terms = parseSearchTerms("zebra");
    assertEquals(searchIds(db, terms, filter), { ids: [ids[4], ids[3]], more: true });
    assertEquals(searchIds(db, terms, { ...filter, before: ids[3] }), {
      ids: [ids[2], ids[1]],
      more: true,
    });
    assertEquals(searchIds(db, terms, { ...filter, before: ids[1] }), {
      ids: [ids[0]],
      more: false,
    });
    assertEquals(searchIds(db, terms, { ...filter, limit: 5 }).more, false);
    assertThrows(() => searchIds(db, terms, { ...filter, limit: 0 }), RangeError);
  });
});

Deno.test("searchIds() never returns a room the person may not see, nor others' privates", async () => {
  await withDatabase((db) => {
    const lab = add(db, { room: "lab", text: "zebra in the lab" });
    add(db, { room: "secret", text: "zebra in secret" });
    const sent = add(db, { room: "lab", from: "Ada", to: "Bob", text: "zebra to bob" });
    const received = add(db, { room: "secret", from: "bob", to: "ADA", text: "zebra to ada" });
    const note = add(db, { room: "lab", from: "ada", to: "ada", text: "zebra note to self" });
    const fromCarol = add(db, { room: "lab", from: "carol", to: "ada", text: "zebra from carol" });
    // Between two others, in a room ada may see: the room grants nothing.
    add(db, { room: "lab", from: "carol", to: "dan", text: "zebra between others" });
    add(db, { room: "lab", type: "notice", text: "zebra joined" });

    assertEquals(find(db, "zebra"), [fromCarol, note, received, sent, lab]);
    assertEquals(find(db, "zebra", { rooms: [] }), [fromCarol, note, received, sent]);
    assertEquals(find(db, "zebra", { privateKey: "dan", rooms: [] }).length, 1);
    assertEquals(find(db, "zebra", { room: "lab" }), [lab]);
    assertEquals(find(db, "zebra", { room: "secret" }), []);
    assertEquals(find(db, "zebra", { withKey: "bob" }), [received, sent]);
    assertEquals(find(db, "zebra", { withKey: "ada" }), [note]);
    assertEquals(find(db, "zebra", { withKey: "dan" }), []);
    assertEquals(find(db, "zebra", { room: "lab", withKey: "bob" }), []);
  });
});

Deno.test("searchIds() narrows to one author by nick key, in rooms and conversations", async () => {
  await withDatabase((db) => {
    const upper = add(db, { from: "ÉMILE", text: "zebra one" });
    add(db, { from: "bob", text: "zebra two" });
    const lower = add(db, { from: "émile", text: "zebra three" });
    const direct = add(db, { from: "Émile", to: "ada", text: "zebra four" });
    add(db, { from: "ada", to: "émile", text: "zebra five" });
    assertEquals(find(db, "zebra", { fromKey: nickKey("Émile") }), [direct, lower, upper]);
    assertEquals(find(db, "zebra", { fromKey: "émile", room: "lab" }), [lower, upper]);
    assertEquals(find(db, "zebra", { fromKey: "nobody" }), []);
  });
});

Deno.test("searchIds() finds a file by its name and its text", async () => {
  await withDatabase((db) => {
    const file = add(db, { type: "file", fileName: "Quarterly-Report.pdf", text: "for monday" });
    assertEquals(find(db, "quarterly"), [file]);
    assertEquals(find(db, "report.pdf"), [file]);
    assertEquals(find(db, "monday quart*"), [file]);
  });
});

Deno.test("createSearchIndex() indexes the events stored before it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_search_test_" });
  const db = openChatDatabase(`${dir}/chat.db`);
  try {
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'event_search'").get()) {
      db.exec("DROP TABLE event_search");
    }
    const insert = db.prepare(
      "INSERT INTO events (ts, room, type, sender, text, file_name) VALUES (0, 'lab', ?, 'ada', ?, ?)",
    );
    for (let i = 0; i < 2500; i++) insert.run("message", `old message ${i}`, null);
    insert.run("notice", "old notice", null);
    insert.run("file", "", "old-file.txt");
    createSearchIndex(db);
    const terms = parseSearchTerms("old");
    const page = searchIds(db, terms, { rooms: ["lab"], privateKey: "ada", limit: 100 });
    assertEquals(page.ids[0], 2502);
    assertEquals(page.ids[1], 2500);
    assertEquals(find(db, "1234"), [1235]);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unindexEvent() and an edit forget the old words, even in the database file", async () => {
  await withDatabase(async (db, path) => {
    const secret = `xylophone${crypto.randomUUID().slice(0, 8).replace(/\d/g, "q")}`;
    for (let i = 0; i < 300; i++) add(db, { text: `filler words ${i} for the index` });
    const edited = add(db, { text: `a ${secret} was here` });
    const deleted = add(db, { from: "ada", to: "bob", text: `private ${secret}2 too` });
    for (let i = 0; i < 300; i++) add(db, { text: `more filler ${i}` });
    eraseDeleted(db);
    assert(await databaseHolds(path, secret), "the test looks for the right bytes");
    assertEquals(find(db, secret), [edited]);

    unindexEvent(db, edited);
    db.prepare("UPDATE events SET text = ? WHERE id = ?").run("a zebra was here", edited);
    indexEvent(db, { id: edited, type: "message", text: "a zebra was here" });
    unindexEvent(db, deleted);
    db.prepare("DELETE FROM events WHERE id = ?").run(deleted);
    eraseDeleted(db);

    assertEquals(find(db, secret), []);
    assertEquals(find(db, `${secret}2`), []);
    assertEquals(find(db, "zebra"), [edited]);
    assertEquals(await databaseHolds(path, secret), false);
    assertEquals(await databaseHolds(path, secret.slice(3)), false);
  });
});

Deno.test("unindexEventsBefore() and clearSearchIndex() forget for good", async () => {
  await withDatabase(async (db, path) => {
    const secret = `quokka${crypto.randomUUID().slice(0, 8).replace(/\d/g, "z")}`;
    add(db, { ts: 1, text: `old ${secret}` });
    const kept = add(db, { ts: 5, text: "new zebra" });
    unindexEventsBefore(db, 3);
    db.prepare("DELETE FROM events WHERE ts < 3").run();
    eraseDeleted(db);
    assertEquals(find(db, secret), []);
    assertEquals(await databaseHolds(path, secret), false);
    assertEquals(find(db, "zebra"), [kept]);

    const other = `wombat${crypto.randomUUID().slice(0, 8).replace(/\d/g, "w")}`;
    add(db, { text: other });
    eraseDeleted(db);
    assert(await databaseHolds(path, other));
    clearSearchIndex(db);
    db.prepare("DELETE FROM events").run();
    eraseDeleted(db);
    assertEquals(find(db, "zebra"), []);
    assertEquals(await databaseHolds(path, other), false);
  });
});
