import { assert, assertEquals } from "@std/assert";
import type { EventLog, LoggedEvent, NewEvent } from "../../src/store/mod.ts";
import { contractTest } from "./_contract.ts";

/** A fresh log and the function that disposes of it. */
export interface EventLogFixture {
  log: EventLog;
  cleanup(): Promise<void>;
}

function message(text: string, clientId?: string): NewEvent {
  const event: NewEvent = { type: "message", room: "lobby", from: "ada", text, ts: 1 };
  if (clientId !== undefined) event.clientId = clientId;
  return event;
}

/**
 * Registers the tests every {@linkcode EventLog} must pass, each named `${name}: <sentence>`;
 * `make` is called once per test for an empty log.
 *
 * @example
 * ```ts ignore
 * eventLogContract("LocalEventLog", () => {
 *   const store = new MemoryHistoryStore();
 *   return Promise.resolve({ log: new LocalEventLog(store), cleanup: () => store.close() });
 * });
 * ```
 */
export function eventLogContract(name: string, make: () => Promise<EventLogFixture>): void {
  const test = contractTest(name, make, (fixture) => fixture.log);

  test("follow() hands every appended event to each follower once, in id order, with its origin", async (log) => {
    const first: LoggedEvent[] = [];
    const second: LoggedEvent[] = [];
    await log.follow(0, (logged) => first.push(logged));
    await log.follow(0, (logged) => second.push(logged));
    const a = await log.append(message("a"), { origin: "m1" });
    const b = await log.append(message("b"));
    assertEquals(first, [{ event: a.event, origin: "m1" }, { event: b.event }]);
    assertEquals(second, first);
    assert(a.event.id < b.event.id);
  });

  test("append() of a clientId already stored is not handed to followers again", async (log) => {
    const seen: number[] = [];
    await log.follow(0, ({ event }) => seen.push(event.id));
    const once = await log.append(message("once", "s1 1"));
    const again = await log.append(message("once", "s1 1"));
    assertEquals(again, { event: once.event, created: false });
    assertEquals(seen, [once.event.id]);
  });

  test("follow() from an id first hands over the events stored after it, then new ones", async (log) => {
    const stored = [];
    for (const text of ["a", "b", "c"]) stored.push((await log.append(message(text))).event);
    const seen: string[] = [];
    await log.follow(stored[0].id, ({ event }) => seen.push(event.text));
    assertEquals(seen, ["b", "c"]);
    await log.append(message("d"));
    assertEquals(seen, ["b", "c", "d"]);
  });

  test("follow() misses nothing and repeats nothing appended while it catches up", async (log) => {
    for (let i = 0; i < 20; i++) await log.append(message(`old ${i}`));
    const seen: number[] = [];
    const following = log.follow(0, ({ event }) => seen.push(event.id));
    const during = Array.from({ length: 20 }, (_, i) => log.append(message(`new ${i}`)));
    await Promise.all([following, ...during]);
    await log.append(message("after"));
    assertEquals(seen.length, 41);
    assertEquals(seen, [...seen].sort((x, y) => x - y), "in id order");
    assertEquals(new Set(seen).size, seen.length, "none twice");
  });

  test("the function follow() resolves with stops the listener", async (log) => {
    const seen: string[] = [];
    const stop = await log.follow(0, ({ event }) => seen.push(event.text));
    await log.append(message("before"));
    stop();
    await log.append(message("after"));
    assertEquals(seen, ["before"]);
  });
}
