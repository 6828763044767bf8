import { assert, assertEquals, assertRejects } from "@std/assert";
import type { HistoryStore, NewEvent, StoredEvent } from "../../src/store/mod.ts";
import { contractTest } from "./_contract.ts";

/** A fresh, empty store and the function that disposes of it. */
export interface HistoryStoreFixture {
  store: HistoryStore;
  cleanup(): Promise<void>;
}

/**
 * Registers the tests that every {@linkcode HistoryStore} must pass, each named
 * `${name}: <sentence>`. `make` is called once per test for an empty store.
 *
 * @example Run the suite against the memory store
 * ```ts ignore
 * historyStoreContract("MemoryHistoryStore", () => {
 *   const store = new MemoryHistoryStore();
 *   return Promise.resolve({ store, cleanup: () => store.close() });
 * });
 * ```
 */
export function historyStoreContract(
  name: string,
  make: () => Promise<HistoryStoreFixture>,
): void {
  const test = contractTest(name, make, (fixture) => fixture.store);

  test("append() assigns increasing ids", async (store) => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await store.append(message("lobby", `m${i}`));
      assertEquals(result.created, true);
      ids.push(result.event.id);
    }
    for (let i = 1; i < ids.length; i++) assert(ids[i] > ids[i - 1], `ids ${ids} must increase`);
  });

  test("append() returns every kind of event as page() reads it back", async (store) => {
    const events: NewEvent[] = [
      { ...message("lobby", "hello"), clientId: "rid-1" },
      { type: "action", room: "lobby", from: "ada", text: "waves", ts: 2 },
      { type: "notice", room: "lobby", from: "ada", text: "", ts: 3, event: "nick", nick: "bob" },
      { type: "notice", room: "lobby", from: "bob", text: "", ts: 4, event: "join" },
      {
        type: "notice",
        room: "lobby",
        from: "bob",
        text: "bob was muted by ada: calm down.",
        ts: 5,
        event: "mute",
        control: { by: "ada", reason: "calm down", until: 3_600_005 },
      },
      {
        type: "notice",
        room: "lobby",
        from: "ada",
        text: "ada set the topic: Quiz at 10",
        ts: 6,
        event: "topic",
        control: { by: "ada", topic: "Quiz at 10" },
      },
    ];
    const stored: StoredEvent[] = [];
    for (const event of events) {
      const result = await store.append(event);
      assertEquals(result.event, { ...event, id: result.event.id });
      stored.push(result.event);
    }
    assertEquals(await store.page("lobby", { limit: 10 }), stored);
  });

  test("keep() stores events under the ids a log gave, skips those it has, and append() goes on above", async (store) => {
    const first = { ...message("lobby", "from the log"), id: 5, clientId: "node-a 1" };
    const second = { ...message("lobby", "and another"), id: 9 };
    await store.keep([first, second]);
    await store.keep([first]);
    assertEquals(await store.page("lobby", { limit: 10 }), [first, second]);
    assertEquals(await store.byClientId("node-a 1"), first);
    assertEquals(await store.lastId(), 9);
    // A resend the log stored twice (after its duplicate window) keeps one owner of the clientId.
    await store.keep([{ ...first, id: 11, text: "the resend" }]);
    assertEquals((await store.byClientId("node-a 1"))?.id, 5);
    assertEquals((await store.page("lobby", { limit: 10 })).map((event) => event.id), [5, 9, 11]);
    const next = await store.append(message("lobby", "appended here"));
    assert(next.event.id > 11, `id ${next.event.id} must exceed 11`);
  });

  test("page() returns the newest events oldest first, at most limit", async (store) => {
    for (let i = 0; i < 10; i++) await store.append(message("lobby", `m${i}`));
    assertEquals(texts(await store.page("lobby", { limit: 3 })), ["m7", "m8", "m9"]);
    assertEquals(texts(await store.page("lobby", { limit: 100 })).length, 10);
    assertEquals(await store.page("lobby", { limit: 0 }), []);
  });

  test("page() returns only events below before", async (store) => {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await store.append(message("lobby", `m${i}`))).event.id);
    assertEquals(texts(await store.page("lobby", { before: ids[6], limit: 3 })), [
      "m3",
      "m4",
      "m5",
    ]);
    assertEquals(texts(await store.page("lobby", { before: ids[2], limit: 5 })), ["m0", "m1"]);
    assertEquals(await store.page("lobby", { before: ids[0], limit: 5 }), []);
  });

  test("page() leaves out private events but count() includes them", async (store) => {
    await store.append(message("lobby", "public"));
    const secret = await store.append({
      type: "private",
      room: "lobby",
      from: "ada",
      to: "bob",
      text: "secret",
      ts: 1,
    });
    assertEquals(secret.event.to, "bob");
    await store.append(message("lobby", "public again"));
    assertEquals(texts(await store.page("lobby", { limit: 10 })), ["public", "public again"]);
    assertEquals(await store.count(), 3);
  });

  test("page() returns only events of the given room", async (store) => {
    await store.append(message("lobby", "a1"));
    await store.append(message("games", "b1"));
    await store.append(message("lobby", "a2"));
    await store.append(message("games", "b2"));
    assertEquals(texts(await store.page("lobby", { limit: 10 })), ["a1", "a2"]);
    assertEquals(texts(await store.page("games", { limit: 10 })), ["b1", "b2"]);
    assertEquals(await store.page("empty", { limit: 10 }), []);
    assertEquals(await store.count(), 4);
  });

  test("page() rejects a limit that is not a non-negative integer", async (store) => {
    for (const limit of [-1, 1.5, NaN]) {
      await assertRejects(() => store.page("lobby", { limit }), RangeError, "Page limit");
    }
  });

  test("page() with after returns the oldest events above it, ascending, at most limit", async (store) => {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await store.append(message("lobby", `m${i}`))).event.id);
    assertEquals(texts(await store.page("lobby", { after: ids[2], limit: 3 })), ["m3", "m4", "m5"]);
    assertEquals(texts(await store.page("lobby", { after: ids[7], limit: 5 })), ["m8", "m9"]);
    assertEquals(texts(await store.page("lobby", { after: 0, limit: 2 })), ["m0", "m1"]);
    assertEquals(texts(await store.page("lobby", { after: 0, limit: 100 })).length, 10);
    assertEquals(await store.page("lobby", { after: ids[9], limit: 5 }), []);
    assertEquals(await store.page("lobby", { after: ids[0], limit: 0 }), []);
  });

  test("page() with after pages forward through every event exactly once", async (store) => {
    for (let i = 0; i < 7; i++) await store.append(message("lobby", `m${i}`));
    const seen: string[] = [];
    let after = 0;
    for (;;) {
      const page = await store.page("lobby", { after, limit: 3 });
      seen.push(...texts(page));
      if (page.length < 3) break;
      after = page[page.length - 1].id;
    }
    assertEquals(seen, ["m0", "m1", "m2", "m3", "m4", "m5", "m6"]);
  });

  test("page() with after leaves out private events and other rooms", async (store) => {
    const first = await store.append(message("lobby", "seen"));
    await store.append(privateMessage("ada", "bob", "secret"));
    await store.append(message("games", "elsewhere"));
    await store.append(message("lobby", "new 1"));
    await store.append(privateMessage("bob", "ada", "secret 2"));
    await store.append(message("lobby", "new 2"));
    assertEquals(texts(await store.page("lobby", { after: first.event.id, limit: 10 })), [
      "new 1",
      "new 2",
    ]);
    assertEquals(texts(await store.page("lobby", { after: first.event.id, limit: 1 })), [
      "new 1",
    ]);
    assertEquals(texts(await store.page("games", { after: 0, limit: 10 })), ["elsewhere"]);
    assertEquals(await store.page("empty", { after: 0, limit: 10 }), []);
  });

  test("page() with after and before returns the oldest events between them", async (store) => {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await store.append(message("lobby", `m${i}`))).event.id);
    assertEquals(texts(await store.page("lobby", { after: ids[1], before: ids[8], limit: 3 })), [
      "m2",
      "m3",
      "m4",
    ]);
    assertEquals(texts(await store.page("lobby", { after: ids[1], before: ids[5], limit: 10 })), [
      "m2",
      "m3",
      "m4",
    ]);
    assertEquals(await store.page("lobby", { after: ids[4], before: ids[5], limit: 10 }), []);
    assertEquals(await store.page("lobby", { after: ids[6], before: ids[2], limit: 10 }), []);
  });

  test("page() rejects an after that is not an integer", async (store) => {
    for (const after of [1.5, NaN, Infinity]) {
      await assertRejects(() => store.page("lobby", { after, limit: 1 }), RangeError, "after");
    }
    await assertRejects(() => store.page("lobby", { after: 0, limit: -1 }), RangeError);
  });

  test("privates() returns the private events a nick sent and received, ascending", async (store) => {
    await store.append(message("lobby", "public"));
    const sent = await store.append(privateMessage("ada", "bob", "to bob"));
    const received = await store.append(privateMessage("carl", "ada", "to ada"));
    await store.append(message("games", "public 2"));
    const again = await store.append(privateMessage("bob", "ada", "back to ada"));
    assertEquals(await store.privates("ada", { after: 0, limit: 10 }), [
      sent.event,
      received.event,
      again.event,
    ]);
    assertEquals(await store.privates("bob", { after: 0, limit: 10 }), [sent.event, again.event]);
    assertEquals(await store.privates("carl", { after: 0, limit: 10 }), [received.event]);
  });

  test("privates() never returns the private events of other users", async (store) => {
    await store.append(privateMessage("bob", "carl", "not for ada"));
    await store.append(privateMessage("carl", "bob", "nor this"));
    await store.append(privateMessage("adam", "bob", "a longer nick"));
    await store.append(privateMessage("bob", "ada_", "a similar nick"));
    await store.append(message("lobby", "public"));
    assertEquals(await store.privates("ada", { after: 0, limit: 10 }), []);
    assertEquals(await store.privates("nobody", { after: 0, limit: 10 }), []);
    assertEquals(texts(await store.privates("bob", { after: 0, limit: 10 })).length, 4);
  });

  test("privates() compares nicks case-insensitively and NFKC-normalised", async (store) => {
    const upper = await store.append(privateMessage("ADA", "bob", "upper"));
    const mixed = await store.append(privateMessage("bob", "Ada", "mixed"));
    const wide = await store.append(privateMessage("\uFF21da", "bob", "fullwidth A"));
    const composed = await store.append(privateMessage("Zo\u00EB", "ada", "composed"));
    const decomposed = await store.append(privateMessage("bob", "ZOE\u0308", "decomposed"));
    assertEquals(await store.privates("ada", { after: 0, limit: 10 }), [
      upper.event,
      mixed.event,
      wide.event,
      composed.event,
    ]);
    assertEquals(await store.privates("aDA", { after: 0, limit: 10 }), [
      upper.event,
      mixed.event,
      wide.event,
      composed.event,
    ]);
    assertEquals(await store.privates("zoe\u0308", { after: 0, limit: 10 }), [
      composed.event,
      decomposed.event,
    ]);
    assertEquals(mixed.event.to, "Ada", "the stored nick keeps its case");
  });

  test("privates() returns the oldest limit events above after", async (store) => {
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) {
      const [from, to] = i % 2 === 0 ? ["ada", "bob"] : ["bob", "ada"];
      ids.push((await store.append(privateMessage(from, to, `p${i}`))).event.id);
      await store.append(privateMessage("bob", "carl", `other ${i}`));
    }
    assertEquals(texts(await store.privates("ada", { after: 0, limit: 3 })), ["p0", "p1", "p2"]);
    assertEquals(texts(await store.privates("ada", { after: ids[2], limit: 3 })), [
      "p3",
      "p4",
      "p5",
    ]);
    assertEquals(texts(await store.privates("ada", { after: ids[5], limit: 10 })), ["p6", "p7"]);
    assertEquals(await store.privates("ada", { after: ids[7], limit: 10 }), []);
    assertEquals(await store.privates("ada", { after: 0, limit: 0 }), []);
  });

  test("privates() returns a message a user sent to themself once", async (store) => {
    const self = await store.append(privateMessage("ada", "ADA", "note to self"));
    assertEquals(await store.privates("ada", { after: 0, limit: 10 }), [self.event]);
    assertEquals(await store.privates("ada", { after: 0, limit: 1 }), [self.event]);
  });

  test("privates() rejects a bad limit or after", async (store) => {
    await assertRejects(() => store.privates("ada", { after: 0, limit: -1 }), RangeError, "limit");
    await assertRejects(() => store.privates("ada", { after: 0.5, limit: 1 }), RangeError, "after");
    await assertRejects(() => store.privates("ada", { after: NaN, limit: 1 }), RangeError, "after");
  });

  test("lastId() is 0 when empty, then the highest id of any event", async (store) => {
    assertEquals(await store.lastId(), 0);
    const first = await store.append(message("lobby", "one"));
    assertEquals(await store.lastId(), first.event.id);
    await store.append(message("games", "two"));
    const secret = await store.append(privateMessage("ada", "bob", "three"));
    assertEquals(await store.lastId(), secret.event.id);
    await store.append({ ...message("lobby", "dup"), clientId: "rid-1" });
    const last = await store.lastId();
    await store.append({ ...message("lobby", "dup again"), clientId: "rid-1" });
    assertEquals(await store.lastId(), last, "a duplicate stores nothing");
    const pending = store.append(message("lobby", "pending"));
    assertEquals(await store.lastId(), (await pending).event.id, "sees an unawaited append");
    assertEquals(await store.page("lobby", { after: await store.lastId(), limit: 10 }), []);
  });

  test("append() with a stored clientId returns the stored event and stores nothing", async (store) => {
    const first = await store.append({ ...message("lobby", "once"), clientId: "rid-1" });
    const again = await store.append({ ...message("lobby", "retry"), clientId: "rid-1" });
    assertEquals(first.created, true);
    assertEquals(again, { event: first.event, created: false });
    assertEquals(await store.count(), 1);
    assertEquals(texts(await store.page("lobby", { limit: 10 })), ["once"]);
  });

  test("events() reads every kind of event of every room above a cursor, oldest first", async (store) => {
    const stored: StoredEvent[] = [];
    for (
      const event of [
        message("lobby", "one"),
        { type: "private" as const, room: "lab", from: "ada", to: "bob", text: "two", ts: 2 },
        message("lab", "three"),
        message("lobby", "four"),
      ]
    ) stored.push((await store.append(event)).event);
    assertEquals(await store.events({ after: 0, limit: 10 }), stored);
    assertEquals(await store.events({ after: stored[0].id, limit: 2 }), stored.slice(1, 3));
    assertEquals(await store.events({ after: stored[3].id, limit: 10 }), []);
    await assertRejects(() => store.events({ after: 0.5, limit: 1 }), RangeError);
    await assertRejects(() => store.events({ after: 0, limit: -1 }), RangeError);
  });

  test("byClientId() finds the event stored with a clientId, private ones too", async (store) => {
    const { event } = await store.append({
      type: "private",
      room: "lobby",
      from: "ada",
      to: "bob",
      text: "psst",
      ts: 5,
      clientId: "s1 7",
    });
    await store.append({ ...message("lobby", "other"), clientId: "s1 8" });
    assertEquals(await store.byClientId("s1 7"), event);
    assertEquals(await store.byClientId("s2 7"), undefined);
  });

  test("append() stores a clientId sent twice in one batch once", async (store) => {
    const pending = [
      store.append({ ...message("lobby", "first"), clientId: "rid-1" }),
      store.append({ ...message("lobby", "second"), clientId: "rid-1" }),
      store.append({ ...message("lobby", "other"), clientId: "rid-2" }),
    ];
    const [first, second, other] = await Promise.all(pending);
    assertEquals(first.created, true);
    assertEquals(second, { event: first.event, created: false });
    assertEquals(other.created, true);
    assert(other.event.id > first.event.id);
    assertEquals(await store.count(), 2);
  });

  test("append() round-trips UTF-8 text byte for byte", async (store) => {
    const samples = [
      "👨‍👩‍👧‍👦 🇳🇴 👍🏽 🙂",
      "مرحبا بالعالم",
      "\u200Fשלום עולם",
      "e\u0301 and \u00e9 stay distinct, Z\u0351\u0363\u0364a\u0310lgo",
      "before\u0000after",
      "\u0000",
      "",
      "𠜎 CJK extension B",
      "line\r\nbreak\ttab",
    ];
    for (const text of samples) {
      await store.append({ ...message("rüm 🙂", text), from: "نيك", clientId: `id\u0000${text}` });
    }
    const page = await store.page("rüm 🙂", { limit: samples.length });
    assertEquals(texts(page), samples);
    const encoder = new TextEncoder();
    for (const [index, event] of page.entries()) {
      assertEquals(encoder.encode(event.text), encoder.encode(samples[index]));
      assertEquals(event.from, "نيك");
      assertEquals(event.clientId, `id\u0000${samples[index]}`);
    }
  });

  test("concurrent appends resolve in id order", async (store) => {
    const resolved: number[] = [];
    const pending = Array.from(
      { length: 50 },
      (_, i) =>
        store.append(message(i % 2 === 0 ? "lobby" : "games", `m${i}`)).then((result) => {
          resolved.push(result.event.id);
          return result;
        }),
    );
    const results = await Promise.all(pending);
    assertEquals(results.map((result) => result.event.text), results.map((_, i) => `m${i}`));
    const ids = results.map((result) => result.event.id);
    assertEquals(resolved, ids);
    for (let i = 1; i < ids.length; i++) assert(ids[i] > ids[i - 1], `ids ${ids} must increase`);
    assertEquals(await store.count(), 50);
  });

  test("append() stores a file event with its file and page() includes it", async (store) => {
    const before = await store.append(message("lobby", "look"));
    const shared = await store.append(fileEvent("lobby", "report 🙂.pdf"));
    assertEquals(shared.created, true);
    assertEquals(shared.event, { ...fileEvent("lobby", "report 🙂.pdf"), id: shared.event.id });
    assertEquals(await store.page("lobby", { limit: 10 }), [before.event, shared.event]);
    assertEquals(await store.file(shared.event.id), shared.event);
  });

  test("append() round-trips a file name with NUL and a size above 4 GiB", async (store) => {
    const event = fileEvent("lobby", "a\u0000b.txt");
    event.file!.size = 2 ** 40 + 3;
    const { event: stored } = await store.append(event);
    assertEquals(await store.file(stored.id), { ...event, id: stored.id });
  });

  test("append() rejects a file event without a file and a file on another type", async (store) => {
    const { file: _file, ...withoutFile } = fileEvent("lobby", "a.txt");
    await assertRejects(() => store.append(withoutFile), TypeError, '"file" needs its file');
    const withFile = { ...message("lobby", "hi"), file: fileEvent("lobby", "a.txt").file };
    await assertRejects(() => store.append(withFile), TypeError, '"message" cannot carry a file');
    assertEquals(await store.count(), 0);
  });

  test("file() returns only file events", async (store) => {
    const text = await store.append(message("lobby", "not a file"));
    const shared = await store.append(fileEvent("lobby", "a.txt"));
    assertEquals(await store.file(text.event.id), undefined);
    assertEquals(await store.file(shared.event.id + 1), undefined);
    assertEquals(await store.file(0), undefined);
    assertEquals(await store.file(1.5), undefined);
    assertEquals((await store.file(shared.event.id))?.file?.name, "a.txt");
  });

  test("files() returns the newest file events of one room, oldest first", async (store) => {
    for (let i = 0; i < 5; i++) {
      await store.append(fileEvent("lobby", `l${i}`));
      await store.append(message("lobby", `m${i}`));
      await store.append(fileEvent("games", `g${i}`));
    }
    assertEquals(names(await store.files({ room: "lobby", limit: 3 })), ["l2", "l3", "l4"]);
    assertEquals(names(await store.files({ room: "games", limit: 10 })).length, 5);
    assertEquals(await store.files({ room: "empty", limit: 10 }), []);
    assertEquals(await store.files({ room: "lobby", limit: 0 }), []);
  });

  test("files() without a room returns the newest file events of every room", async (store) => {
    await store.append(fileEvent("lobby", "l0"));
    await store.append(fileEvent("games", "g0"));
    await store.append(message("lobby", "m0"));
    await store.append(fileEvent("lobby", "l1"));
    await store.append(fileEvent("games", "g1"));
    assertEquals(names(await store.files({ limit: 3 })), ["g0", "l1", "g1"]);
    assertEquals(names(await store.files({ limit: 10 })), ["l0", "g0", "l1", "g1"]);
    await assertRejects(() => store.files({ limit: -1 }), RangeError, "Page limit");
  });

  test("page() with skipPresence leaves join and leave notices out and fills the page", async (store) => {
    await store.append(message("lobby", "first"));
    for (let i = 0; i < 5; i++) {
      await store.append({ ...notice("join", `p${i}`), room: "lobby" });
      await store.append({ ...notice("leave", `p${i}`), room: "lobby" });
    }
    await store.append({ ...notice("nick", "ada"), nick: "ada2" });
    await store.append(message("lobby", "last"));
    const page = await store.page("lobby", { limit: 3, skipPresence: true });
    assertEquals(page.map((event) => event.event ?? event.text), ["first", "nick", "last"]);
    assertEquals((await store.page("lobby", { limit: 3 })).map((event) => event.type), [
      "notice",
      "notice",
      "message",
    ]);
    const after = await store.page("lobby", { after: 0, limit: 100, skipPresence: true });
    assertEquals(after.length, 3);
  });

  test("a file shared with one person is private: in privates(), never in pages or files()", async (store) => {
    const shared = await store.append({ ...fileEvent("lobby", "secret.txt"), to: "bob" });
    await store.append(fileEvent("lobby", "public.txt"));
    assertEquals(names(await store.page("lobby", { limit: 10 })), ["public.txt"]);
    assertEquals(names(await store.files({ limit: 10 })), ["public.txt"]);
    assertEquals(names(await store.files({ room: "lobby", limit: 10 })), ["public.txt"]);
    assertEquals(await store.privates("BOB", { after: 0, limit: 10 }), [shared.event]);
    assertEquals(await store.privates("ada", { after: 0, limit: 10 }), [shared.event]);
    assertEquals(await store.privates("cy", { after: 0, limit: 10 }), []);
    assertEquals(await store.file(shared.event.id), shared.event);
  });

  test("conversation() pages the events between two nicks, both ways, newest first", async (store) => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [from, to] = i % 2 === 0 ? ["ada", "Bob"] : ["bob", "ADA"];
      ids.push((await store.append(privateMessage(from, to, `m${i}`))).event.id);
      await store.append(privateMessage("ada", "cy", `other${i}`));
      await store.append(message("lobby", `room${i}`));
    }
    const file = await store.append({ ...fileEvent("lobby", "f.txt"), from: "bob", to: "ada" });
    const newest = await store.conversation("ada", "bob", { after: 0, limit: 3 });
    assertEquals(newest.map((event) => event.text), ["m4", "m5", file.event.text]);
    const older = await store.conversation("BOB", "ada", {
      after: 0,
      before: newest[0].id,
      limit: 10,
    });
    assertEquals(texts(older), ["m0", "m1", "m2", "m3"]);
    const bounded = await store.conversation("ada", "bob", { after: ids[1], limit: 10 });
    assertEquals(texts(bounded), ["m2", "m3", "m4", "m5", file.event.text]);
  });

  test("conversation() of a nick with itself holds its notes to self once", async (store) => {
    await store.append(privateMessage("ada", "ada", "note"));
    await store.append(privateMessage("ada", "bob", "hi"));
    assertEquals(texts(await store.conversation("ada", "ADA", { after: 0, limit: 10 })), ["note"]);
  });

  test("conversations() lists whom a nick talks with, newest first, above after", async (store) => {
    await store.append(privateMessage("ada", "bob", "1"));
    const old = await store.append(privateMessage("cy", "ada", "2"));
    await store.append(privateMessage("bob", "cy", "not ada's"));
    const newest = await store.append(privateMessage("Bob", "ada", "3"));
    assertEquals(await store.conversations("ADA", { after: 0, limit: 10 }), [
      { with: "Bob", lastId: newest.event.id },
      { with: "cy", lastId: old.event.id },
    ]);
    assertEquals(await store.conversations("ada", { after: 0, limit: 1 }), [
      { with: "Bob", lastId: newest.event.id },
    ]);
    assertEquals(await store.conversations("ada", { after: old.event.id, limit: 10 }), [
      { with: "Bob", lastId: newest.event.id },
    ]);
  });

  test("tally() counts a room's unread and mentions above after, not the reader's own", async (store) => {
    const read = await store.append(message("lobby", "old @bob"));
    await store.append({ ...message("lobby", "hi @Bob"), from: "cy" });
    await store.append({ ...message("lobby", "mail bob@x.org"), from: "cy" });
    await store.append({ ...message("lobby", "@bob_ is someone else"), from: "cy" });
    await store.append({ ...message("lobby", "mine @bob"), from: "bob" });
    await store.append({ ...notice("join", "dan"), room: "lobby" });
    await store.append({ type: "action", room: "lobby", from: "cy", text: "pokes @bob", ts: 1 });
    await store.append({ ...message("side", "@bob elsewhere"), from: "cy" });
    await store.append(privateMessage("cy", "bob", "@bob private"));
    const last = await store.append({ ...fileEvent("lobby", "a.txt"), from: "cy" });
    await store.append({ ...fileEvent("lobby", "b.txt"), from: "cy", to: "dan" });
    assertEquals(await store.tally({ room: "lobby" }, { after: read.event.id, self: "bob" }), {
      unread: 5,
      mentions: 2,
      lastId: last.event.id,
    });
    assertEquals(await store.tally({ room: "lobby" }, { after: last.event.id, self: "bob" }), {
      unread: 0,
      mentions: 0,
      lastId: last.event.id,
    });
    assertEquals(await store.tally({ room: "empty" }, { after: 0, self: "bob" }), {
      unread: 0,
      mentions: 0,
      lastId: 0,
    });
  });

  test("tally() counts what the other sent in a conversation above after", async (store) => {
    const first = await store.append(privateMessage("cy", "bob", "1"));
    await store.append(privateMessage("CY", "Bob", "2"));
    await store.append(privateMessage("bob", "cy", "my answer"));
    await store.append(privateMessage("dan", "bob", "not cy"));
    const file = await store.append({ ...fileEvent("lobby", "f.txt"), from: "cy", to: "bob" });
    assertEquals(
      await store.tally({ nick: "bob", with: "cy" }, { after: first.event.id, self: "bob" }),
      { unread: 2, mentions: 0, lastId: file.event.id },
    );
    assertEquals(
      await store.tally({ nick: "cy", with: "bob" }, { after: 0, self: "cy" }),
      { unread: 1, mentions: 0, lastId: file.event.id },
    );
  });

  test("mentions() finds the newest room messages and actions mentioning a nick", async (store) => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push((await store.append({ ...message("lobby", `@ADA ${i}`), from: "cy" })).event.id);
      await store.append({ ...message("lobby", `no mention ${i} @adam`), from: "cy" });
    }
    await store.append(privateMessage("cy", "ada", "@ada private"));
    await store.append({ type: "action", room: "side", from: "cy", text: "waves at @ada", ts: 1 });
    const newest = await store.mentions("ada", { limit: 3 });
    assertEquals(texts(newest), ["@ADA 5", "@ADA 6", "waves at @ada"]);
    const older = await store.mentions("ada", { before: ids[5], limit: 100 });
    assertEquals(texts(older), ["@ADA 0", "@ADA 1", "@ADA 2", "@ADA 3", "@ADA 4"]);
    assertEquals(await store.mentions("ad_", { limit: 5 }), []);
  });

  test("close() commits pending appends and can be called twice", async (store) => {
    const pending = store.append(message("lobby", "last words"));
    await store.close();
    await store.close();
    assertEquals((await pending).created, true);
  });

  test("calls after close() reject", async (store) => {
    await store.close();
    await assertRejects(() => store.append(message("lobby", "late")), Error, "closed");
    await assertRejects(() => store.page("lobby", { limit: 1 }), Error, "closed");
    await assertRejects(() => store.count(), Error, "closed");
    await assertRejects(() => store.file(1), Error, "closed");
    await assertRejects(() => store.files({ limit: 1 }), Error, "closed");
    await assertRejects(() => store.privates("ada", { after: 0, limit: 1 }), Error, "closed");
    await assertRejects(() => store.lastId(), Error, "closed");
  });

  test("deleteBefore() deletes every kind of event older than the time, and only those", async (store) => {
    const old: NewEvent[] = [
      { ...message("lobby", "old room text"), ts: 100, clientId: "old-rid" },
      { ...privateMessage("ada", "bob", "old private text"), ts: 101 },
      { ...notice("join", "bob"), ts: 102 },
      { ...fileEvent("lobby", "old.txt"), ts: 103 },
      { ...message("side", "old side text"), ts: 104 },
    ];
    for (const event of old) await store.append(event);
    const kept = [
      (await store.append({ ...message("lobby", "new room text"), ts: 200 })).event,
      (await store.append({ ...privateMessage("ada", "bob", "new private"), ts: 201 })).event,
    ];
    const deleted = await store.deleteBefore(200);
    assertEquals(deleted, { events: old.length, blobs: ["ab".repeat(32)] });
    assertEquals(await store.events({ after: 0, limit: 100 }), kept);
    assertEquals(await store.count(), 2);
    assertEquals(await store.byClientId("old-rid"), undefined);
    assertEquals(await store.files({ limit: 10 }), []);
    assertEquals(await store.page("side", { limit: 10 }), []);
    assertEquals(await store.privates("bob", { after: 0, limit: 10 }), [kept[1]]);
    assertEquals(await store.deleteBefore(200), { events: 0, blobs: [] });
  });

  test("deleteBefore() names a blob only when no remaining event shares it", async (store) => {
    await store.append({ ...fileEvent("lobby", "a.txt"), ts: 100 });
    await store.append({ ...fileEvent("side", "same bytes.txt"), ts: 300 });
    assertEquals(await store.deleteBefore(200), { events: 1, blobs: [] });
    assertEquals(await store.deleteBefore(400), { events: 1, blobs: ["ab".repeat(32)] });
  });

  test("deleteBefore() rejects a time that is not a finite number", async (store) => {
    for (const ts of [NaN, Infinity]) {
      await assertRejects(() => store.deleteBefore(ts), RangeError, "not a finite number");
    }
  });

  test("wipe() deletes every event, and ids go on above those deleted", async (store) => {
    await store.append({ ...message("lobby", "one"), clientId: "rid-1" });
    await store.append(fileEvent("lobby", "f.txt"));
    const { event: last } = await store.append(privateMessage("ada", "bob", "three"));
    assertEquals(await store.wipe(), { events: 3, blobs: ["ab".repeat(32)] });
    assertEquals(await store.count(), 0);
    assertEquals(await store.events({ after: 0, limit: 10 }), []);
    assertEquals(await store.conversations("ada", { after: 0, limit: 10 }), []);
    const again = await store.append({ ...message("lobby", "one again"), clientId: "rid-1" });
    assertEquals(again.created, true);
    assert(again.event.id > last.id, `id ${again.event.id} must be above ${last.id}`);
    assertEquals(await store.wipe(), { events: 1, blobs: [] });
  });

  test("deleting the newest events never lets their ids be given again", async (store) => {
    await store.append({ ...message("lobby", "a"), ts: 100 });
    const { event: newest } = await store.append({ ...message("lobby", "b"), ts: 100 });
    await store.deleteBefore(200);
    const { event } = await store.append({ ...message("lobby", "c"), ts: 300 });
    assert(event.id > newest.id, `id ${event.id} must be above ${newest.id}`);
  });
}

function privateMessage(from: string, to: string, text: string): NewEvent {
  return { type: "private", room: "lobby", from, to, text, ts: 1_700_000_000_000 };
}

function notice(event: "join" | "leave" | "nick", from: string): NewEvent {
  return { type: "notice", event, room: "lobby", from, text: `${from} ${event}`, ts: 1 };
}

function message(room: string, text: string): NewEvent {
  return { type: "message", room, from: "ada", text, ts: 1_700_000_000_000 };
}

function fileEvent(room: string, name: string): NewEvent {
  const sha256 = "ab".repeat(32);
  return {
    type: "file",
    room,
    from: "ada",
    text: `ada shared ${name}`,
    ts: 1_700_000_000_000,
    file: { name, size: 1234, sha256, blob: sha256 },
  };
}

function names(events: StoredEvent[]): string[] {
  return events.map((event) => event.file!.name);
}

function texts(events: StoredEvent[]): string[] {
  return events.map((event) => event.text);
}
