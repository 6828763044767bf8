import { assertEquals } from "@std/assert";
import type { ServerMessage } from "../../src/protocol/mod.ts";
import type { ReadRequest } from "../../src/client/unread_tracker.ts";
import { UnreadTracker } from "../../src/client/unread_tracker.ts";
import { READ_EVERY_MS, ReadSender, type SenderClock } from "../../web/following/read_sender.ts";

const TS = "2026-12-04T10:00:00.000Z";

/** A clock whose timers run when it is moved past them. */
class FakeClock implements SenderClock {
  #now = 0;
  #timers = new Map<number, { at: number; run: () => void }>();
  #next = 1;

  now = (): number => this.#now;

  setTimeout = (run: () => void, ms: number): number => {
    this.#timers.set(this.#next, { at: this.#now + ms, run });
    return this.#next++;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.#now += ms;
    for (const [handle, timer] of [...this.#timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > this.#now) continue;
      this.#timers.delete(handle);
      timer.run();
    }
  }
}

function setUp(options: { connected?: () => boolean } = {}) {
  const tracker = new UnreadTracker();
  tracker.observe({
    type: "welcome",
    v: 1,
    server: "chat/test",
    nick: "ana",
    max_message_bytes: 4096,
    max_frame_bytes: 1_048_576,
    history: 50,
  });
  const clock = new FakeClock();
  const sent: ReadRequest[] = [];
  const sender = new ReadSender(tracker, {
    send: (request) => sent.push(request) > 0,
    connected: options.connected ?? (() => true),
    clock,
  });
  const say = (id: number, room = "lobby"): void => {
    const message: ServerMessage = { type: "message", id, ts: TS, room, from: "ben", text: "hi" };
    tracker.observe(message);
  };
  return { tracker, clock, sent, sender, say };
}

Deno.test("ReadSender tells the first read at once, then at most one every two seconds", () => {
  const { clock, sent, sender, say } = setUp();
  say(5);
  sender.seen({ room: "lobby" });
  assertEquals(sent, [{ type: "read", room: "lobby", id: 5 }]);
  // A burst of messages read as they arrive: one read when the two seconds are up, not one each.
  for (let id = 6; id <= 20; id++) {
    clock.advance(100);
    say(id);
    sender.seen({ room: "lobby" });
  }
  assertEquals(sent.length, 1, "no read per message");
  clock.advance(READ_EVERY_MS);
  assertEquals(sent, [{ type: "read", room: "lobby", id: 5 }, {
    type: "read",
    room: "lobby",
    id: 20,
  }]);
  assertEquals(clock.pending, 0);
});

Deno.test("ReadSender sends nothing when there is nothing new to tell", () => {
  const { clock, sent, sender, say } = setUp();
  say(5);
  sender.seen({ room: "lobby" });
  clock.advance(READ_EVERY_MS * 3);
  sender.seen({ room: "lobby" });
  clock.advance(READ_EVERY_MS * 3);
  assertEquals(sent, [{ type: "read", room: "lobby", id: 5 }]);
});

Deno.test("ReadSender tells what waits at once when the reader moves to another place or flushes", () => {
  const { clock, sent, sender, say } = setUp();
  say(5);
  sender.seen({ room: "lobby" });
  say(6);
  sender.seen({ room: "lobby" });
  say(7, "lab");
  sender.seen({ room: "lab" });
  assertEquals(sent.map((request) => ["room" in request ? request.room : "", request.id]), [[
    "lobby",
    5,
  ], ["lobby", 6]]);
  sender.flush();
  assertEquals(sent.map((request) => ["room" in request ? request.room : "", request.id]), [
    ["lobby", 5],
    ["lobby", 6],
    ["lab", 7],
  ]);
  clock.advance(READ_EVERY_MS * 2);
  assertEquals(sent.length, 3, "the flushed read is not sent again by its timer");
});

Deno.test("ReadSender does not tell while disconnected, so the marker is not taken as told", () => {
  let connected = false;
  const { tracker, clock, sent, sender, say } = setUp({ connected: () => connected });
  say(5);
  sender.seen({ room: "lobby" });
  clock.advance(READ_EVERY_MS);
  assertEquals(sent, []);
  assertEquals(tracker.get({ room: "lobby" })?.readId, 0);
  connected = true;
  sender.seen({ room: "lobby" });
  assertEquals(sent, [{ type: "read", room: "lobby", id: 5 }]);
});
