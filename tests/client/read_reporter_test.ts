import { assertEquals } from "@std/assert";
import {
  READ_INTERVAL_MS,
  ReadReporter,
  type ReadRequest,
  UnreadTracker,
} from "../../src/client/mod.ts";
import type { ServerMessage } from "../../src/protocol/mod.ts";
import { ManualClock } from "../_manual_clock.ts";

const TS = "2026-12-04T10:00:00.000Z";

function message(id: number, room = "lobby"): ServerMessage {
  return { type: "message", id, ts: TS, room, from: "ben", text: `line ${id}` };
}

function privateFrom(from: string, id: number): ServerMessage {
  return { type: "private", id, ts: TS, room: "lobby", from, to: "ana", text: "psst" };
}

/** A reporter over a tracker logged in as ana, and what it sent. */
function reporter(options: { connected?: boolean } = {}) {
  const clock = new ManualClock();
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
  const sent: ReadRequest[] = [];
  const channel = {
    connected: options.connected ?? true,
    request(request: ReadRequest) {
      sent.push(request);
      return this.connected;
    },
  };
  const reads = new ReadReporter(tracker, channel, { now: clock.now });
  return { clock, tracker, sent, reads, channel };
}

Deno.test("ReadReporter reports the place on screen at most once per interval, with the newest id", () => {
  const { clock, tracker, sent, reads } = reporter();
  reads.show({ room: "lobby" });
  assertEquals(sent, [], "nothing known there yet");
  tracker.observe(message(1));
  reads.tick();
  assertEquals(sent, [{ type: "read", room: "lobby", id: 1 }]);
  for (let id = 2; id <= 5; id++) {
    tracker.observe(message(id));
    clock.advance(1000);
    reads.tick();
  }
  assertEquals(sent.length, 1, "never per message");
  clock.advance(READ_INTERVAL_MS - 4000);
  reads.tick();
  assertEquals(sent.at(-1), { type: "read", room: "lobby", id: 5 });
  assertEquals(sent.length, 2);
  clock.advance(READ_INTERVAL_MS);
  reads.tick();
  assertEquals(sent.length, 2, "nothing new: nothing sent");
  assertEquals(tracker.get({ room: "lobby" })?.unread, 0, "seen");
});

Deno.test("ReadReporter.show() reports the place left and the place entered at once", () => {
  const { tracker, sent, reads } = reporter();
  reads.show({ room: "lobby" });
  tracker.observe(message(3));
  tracker.observe(privateFrom("Ben", 4));
  assertEquals(tracker.get({ with: "ben" })?.unread, 1, "a conversation not on screen counts");
  reads.show({ with: "ben" });
  assertEquals(sent, [
    { type: "read", room: "lobby", id: 3 },
    { type: "read", with: "ben", id: 4 },
  ]);
  assertEquals(tracker.get({ with: "ben" })?.unread, 0);
  tracker.observe(message(5));
  assertEquals(tracker.get({ room: "lobby" })?.unread, 1, "the room is not on screen now");
  reads.show({ with: "BEN" });
  assertEquals(sent.length, 2, "the same place again changes nothing");
  reads.show({ room: "lobby" });
  assertEquals(sent.at(-1), { type: "read", room: "lobby", id: 5 });
});

Deno.test("ReadReporter.flush() reports at once, before quitting, whatever the interval", () => {
  const { tracker, sent, reads } = reporter();
  reads.show({ room: "lobby" });
  tracker.observe(message(1));
  reads.tick();
  tracker.observe(message(2));
  reads.tick();
  assertEquals(sent.length, 1);
  reads.flush();
  assertEquals(sent.at(-1), { type: "read", room: "lobby", id: 2 });
});

Deno.test("ReadReporter tells nothing while disconnected, and what was read once connected", () => {
  const { tracker, sent, reads, channel } = reporter({ connected: false });
  reads.show({ room: "lobby" });
  tracker.observe(message(7));
  reads.tick();
  reads.flush();
  assertEquals(sent, []);
  channel.connected = true;
  reads.tick();
  assertEquals(sent, [{ type: "read", room: "lobby", id: 7 }]);
});
