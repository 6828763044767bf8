import { assertEquals } from "@std/assert";
import type { NewEvent, StoredEvent } from "../../src/store/mod.ts";
import type { HistoryStoreFixture } from "./history_store_contract.ts";
import { contractTest } from "./_contract.ts";

/**
 * Registers the tests of replies, reactions, edits and deletes (PROTOCOL.md section 3.6) that
 * every {@linkcode HistoryStore} must pass, each named `${name}: <sentence>`: changes are events
 * naming their message, applied to it as they are stored, and messages read back as they read
 * now wherever they are read from.
 *
 * @example Run the suite against the memory store
 * ```ts ignore
 * messageChangesContract("MemoryHistoryStore", () => {
 *   const store = new MemoryHistoryStore();
 *   return Promise.resolve({ store, cleanup: () => store.close() });
 * });
 * ```
 */
export function messageChangesContract(
  name: string,
  make: () => Promise<HistoryStoreFixture>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.store);

  test("an edit replaces the text everywhere the message is read, and its event reads it too", async (store) => {
    const { event: original } = await store.append(message("ana", "helo wrold"));
    const { event: edit } = await store.append(change("edit", "ana", original.id, "hello world"));
    assertEquals(edit.text, "hello world", "append() returns the edit with its text, to deliver");
    const page = await store.page("lobby", { limit: 10, skipPresence: true });
    assertEquals(page.map((event) => [event.id, event.text, event.edited]), [
      [original.id, "hello world", true],
    ]);
    const all = await store.events({ after: 0, limit: 10 });
    assertEquals(all.map((event) => [event.type, event.text]), [
      ["message", "hello world"],
      ["edit", "hello world"],
    ]);
    assertEquals((await store.event(original.id))?.text, "hello world");
  });

  test("a second edit leaves no trace of the first one's text; edits() lists them", async (store) => {
    const { event: original } = await store.append(message("ana", "first"));
    const { event: second } = await store.append(change("edit", "ana", original.id, "second"));
    const { event: third } = await store.append(change("edit", "ana", original.id, "third"));
    assertEquals(await store.edits(original.id), [second.id, third.id]);
    assertEquals(await store.edits(second.id), []);
    const all = await store.events({ after: 0, limit: 10 });
    assertEquals(all.map((event) => event.text), ["third", "third", "third"]);
  });

  test("a delete empties the message, drops its reactions and outlasts later edits", async (store) => {
    const { event: original } = await store.append(message("ana", "oops, wrong room"));
    await store.append({ ...change("reaction", "ben", original.id, ""), emoji: "👍" });
    await store.append(change("delete", "ana", original.id, ""));
    await store.append(change("edit", "ana", original.id, "sneaky"));
    const read = await store.event(original.id);
    assertEquals([read?.text, read?.deleted, read?.edited, read?.reactions], [
      "",
      true,
      undefined,
      undefined,
    ]);
    const all = await store.events({ after: 0, limit: 10 });
    assertEquals(all.every((event) => event.text === ""), true, JSON.stringify(all));
  });

  test("reactions are sets of nicks per emoji, in the order first given", async (store) => {
    const { event: original } = await store.append(message("ana", "party?"));
    const react = (from: string, emoji: string, remove?: true) =>
      store.append({ ...change("reaction", from, original.id, ""), emoji, remove });
    await react("ben", "🎉");
    await react("cy", "👍");
    await react("Ben", "🎉");
    await react("ana", "🎉");
    await react("cy", "👍", true);
    await react("dee", "👍");
    const read = await store.event(original.id);
    assertEquals(read?.reactions, [
      { emoji: "🎉", nicks: ["ben", "ana"] },
      { emoji: "👍", nicks: ["dee"] },
    ]);
    const page = await store.page("lobby", { limit: 10, skipPresence: true });
    assertEquals(page.length, 1, "pages leave reaction events out");
    assertEquals(page[0].reactions, read?.reactions);
    const catchUp = await store.page("lobby", { after: 0, limit: 10 });
    assertEquals(catchUp.filter((event) => event.type === "reaction").length, 6);
  });

  test("a reply reads back with the quote of its original as that reads now", async (store) => {
    const { event: original } = await store.append(message("ana", "lunch at noon?"));
    const { event: reply } = await store.append({
      ...message("ben", "yes!"),
      replyTo: original.id,
      quote: { from: "ana", text: "lunch at noon?" },
    });
    assertEquals(reply.quote, { from: "ana", text: "lunch at noon?" });
    await store.append(change("edit", "ana", original.id, "lunch at one?"));
    assertEquals((await store.event(reply.id))?.quote, { from: "ana", text: "lunch at one?" });
    assertEquals((await store.event(reply.id))?.replyTo, original.id);
    await store.append(change("delete", "ana", original.id, ""));
    assertEquals((await store.event(reply.id))?.quote, { from: "ana", text: "", deleted: true });
  });

  test("a quote holds the first 140 characters", async (store) => {
    const long = "é".repeat(100) + "x".repeat(100);
    const { event: original } = await store.append(message("ana", long));
    const { event: reply } = await store.append({
      ...message("ben", "tl;dr"),
      replyTo: original.id,
    });
    assertEquals((await store.event(reply.id))?.quote?.text, [...long].slice(0, 140).join(""));
  });

  test("changes to private messages stay in their conversation and count as nothing unread", async (store) => {
    const { event: original } = await store.append(privateMessage("ana", "ben", "psst"));
    await store.append({ ...change("reaction", "ben", original.id, ""), emoji: "👀", to: "ana" });
    await store.append({ ...change("edit", "ana", original.id, "psst!"), to: "ben" });
    const page = await store.conversation("ben", "ana", { after: 0, limit: 10 });
    assertEquals(page.map((event) => [event.type, event.text, event.edited]), [
      ["private", "psst!", true],
    ]);
    assertEquals(page[0].reactions, [{ emoji: "👀", nicks: ["ben"] }]);
    const tally = await store.tally({ nick: "ben", with: "ana" }, { after: 0, self: "ben" });
    assertEquals(tally.unread, 1);
    const catchUp = await store.privates("ben", { after: 0, limit: 10 });
    assertEquals(catchUp.map((event) => event.type), ["private", "reaction", "edit"]);
    assertEquals((await store.page("lobby", { after: 0, limit: 10 })).length, 0);
  });

  test("keep() applies changes a shared log assigned ids to", async (store) => {
    await store.keep([{ ...message("ana", "typo"), id: 5 }]);
    await store.keep([{ ...change("edit", "ana", 5, "fixed"), id: 6 }]);
    await store.keep([{ ...change("reaction", "ben", 5, ""), emoji: "✅", id: 7 }]);
    const read = await store.event(5);
    assertEquals([read?.text, read?.edited, read?.reactions], [
      "fixed",
      true,
      [{ emoji: "✅", nicks: ["ben"] }],
    ]);
    assertEquals((await store.event(6))?.text, "fixed");
  });

  test("search() finds a message by its current text only, and never once deleted", async (store) => {
    const find = async (text: string) =>
      (await store.search({ text, rooms: ["lobby"], nick: "ben", limit: 10 })).map((e) => e.id);
    const { event: original } = await store.append(message("ana", "meet at the oak"));
    assertEquals(await find("oak"), [original.id]);
    await store.append(change("edit", "ana", original.id, "meet at the elm"));
    assertEquals(await find("oak"), []);
    assertEquals(await find("elm"), [original.id]);
    const [found] = await store.search({ text: "elm", rooms: ["lobby"], nick: "ben", limit: 1 });
    assertEquals([found.text, found.edited], ["meet at the elm", true]);
    await store.append(change("delete", "ana", original.id, ""));
    assertEquals(await find("elm"), []);
    assertEquals(await find("meet"), []);
  });

  test("search() forgets what retention deleted and finds what it kept", async (store) => {
    await store.append({ ...message("ana", "ancient walnut"), ts: 1 });
    const { event: kept } = await store.append({ ...message("ana", "young walnut"), ts: 100 });
    await store.deleteBefore(50);
    const found = await store.search({ text: "walnut", rooms: ["lobby"], nick: "ana", limit: 10 });
    assertEquals(found.map((event) => event.id), [kept.id]);
    await store.wipe();
    assertEquals(
      await store.search({ text: "walnut", rooms: ["lobby"], nick: "ana", limit: 10 }),
      [],
    );
  });

  test("keep() builds a message a shared log erased from its newest edit, with the reactions before it", async (store) => {
    await store.keep([{ ...change("reaction", "ben", 5, ""), emoji: "👍", id: 6 }]);
    await store.keep([{
      ...change("edit", "ana", 5, "the newest text"),
      original: { type: "action", ts: 42, replyTo: 3 },
      id: 8,
    }]);
    const rebuilt = await store.event(5);
    assertEquals(
      [rebuilt?.type, rebuilt?.text, rebuilt?.edited, rebuilt?.ts, rebuilt?.replyTo],
      ["action", "the newest text", true, 42, 3],
    );
    assertEquals(rebuilt?.reactions, [{ emoji: "👍", nicks: ["ben"] }]);
    const page = await store.page("lobby", { limit: 10, skipPresence: true });
    assertEquals(page.map((event) => event.id), [5]);
    const found = await store.search({ text: "newest", rooms: ["lobby"], nick: "ana", limit: 5 });
    assertEquals(found.map((event) => event.id), [5]);
  });

  test("retention takes a message's reactions with it", async (store) => {
    const { event: old } = await store.append({ ...message("ana", "old"), ts: 1 });
    await store.append({ ...change("reaction", "ben", old.id, ""), emoji: "👍", ts: 1 });
    const { event: kept } = await store.append({ ...message("ana", "new"), ts: 100 });
    await store.append({ ...change("reaction", "ben", kept.id, ""), emoji: "👍", ts: 100 });
    await store.deleteBefore(50);
    assertEquals(await store.event(old.id), undefined);
    assertEquals((await store.event(kept.id))?.reactions, [{ emoji: "👍", nicks: ["ben"] }]);
  });
}

function message(from: string, text: string): NewEvent {
  return { type: "message", room: "lobby", from, text, ts: 1_700_000_000_000 };
}

function privateMessage(from: string, to: string, text: string): NewEvent {
  return { type: "private", room: "lobby", from, to, text, ts: 1_700_000_000_000 };
}

function change(
  type: "edit" | "delete" | "reaction",
  from: string,
  ref: number,
  text: string,
): NewEvent & Partial<StoredEvent> {
  return { type, room: "lobby", from, text, ref, ts: 1_700_000_000_000 };
}
