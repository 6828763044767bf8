import { assertEquals } from "@std/assert";
import {
  type DisplayEvent,
  HistoryCursor,
  type InputOptions,
  parseInput,
  type ReconnectingClient,
} from "../../src/client/mod.ts";
import type { ChatEvent, ClientMessage } from "../../src/protocol/mod.ts";
import { JoinPlace } from "../../src/cli/join_place.ts";

/** ana in the lobby on a client that records what it is asked to send, and what is shown. */
function setUp() {
  const sent: unknown[] = [];
  const shown: DisplayEvent[] = [];
  const client = {
    room: "lobby",
    nick: "ana",
    send: (text: string) => {
      sent.push({ send: text });
      return Promise.resolve({} as ChatEvent);
    },
    sendPrivate: (to: string, text: string) => {
      sent.push({ private: to, text });
      return Promise.resolve({} as ChatEvent);
    },
    request: (message: ClientMessage) => {
      sent.push(message);
      return true;
    },
  };
  const place = new JoinPlace(client as unknown as ReconnectingClient, (e) => shown.push(e));
  const options: Omit<InputOptions, "conversation"> = {
    cursor: new HistoryCursor(),
    upload: (path, to) => {
      sent.push({ upload: path, to });
      return { kind: "empty" };
    },
    get: () => ({ kind: "empty" }),
  };
  const run = (line: string) => place.run(parseInput(line), options);
  return { client, place, sent, shown, run };
}

Deno.test("JoinPlace: /query NICK opens the conversation: lines, /history, /files and /file go to NICK", () => {
  const { place, sent, shown, run } = setUp();
  assertEquals([place.label, place.place], ["lobby", { room: "lobby" }]);
  assertEquals(run("/query ben"), { kind: "empty" });
  assertEquals([place.label, place.place, place.conversation], ["[ben]", { with: "ben" }, "ben"]);
  assertEquals(shown.map((e) => [e.event, e.with]), [["query", "ben"]]);
  assertEquals(sent, [{ type: "history", with: "ben" }], "the conversation's newest page");
  sent.length = 0;
  run("hello");
  run("/history 5");
  run("/files");
  run("/file notes.txt");
  run("/msg cy still works");
  assertEquals(sent, [
    { private: "ben", text: "hello" },
    { type: "history", with: "ben", limit: 5, before: undefined },
    { type: "files", with: "ben" },
    { upload: "notes.txt", to: "ben" },
    { private: "cy", text: "still works" },
  ]);
});

Deno.test("JoinPlace: /query alone and /join go back to a room", () => {
  const { client, place, sent, shown, run } = setUp();
  run("/query");
  assertEquals(shown.at(-1)?.text, "You are in lobby.");
  run("/query ben");
  run("/query");
  assertEquals([place.label, shown.at(-1)?.text], ["lobby", "Back in lobby."]);
  run("/query ben");
  run("/join lab");
  client.room = "lab";
  assertEquals([place.label, place.place], ["lab", { room: "lab" }]);
  sent.length = 0;
  run("hi all");
  assertEquals(sent, [{ send: "hi all" }]);
});

Deno.test("JoinPlace: /query refuses your own nick and a nick that cannot be one, and stays", () => {
  const { place, sent, run } = setUp();
  assertEquals(run("/query ANA"), {
    kind: "invalid",
    message: "That is you; /query NICK talks with someone else.",
  });
  assertEquals(run("/query a!b").kind, "invalid");
  assertEquals([place.label, sent], ["lobby", []]);
});

Deno.test("JoinPlace.hint() suggests /query once per person, for private lines from others not on screen", () => {
  const { place, run } = setUp();
  const from = (nick: string, extra: Partial<DisplayEvent> = {}): DisplayEvent => ({
    type: "private",
    from: nick,
    to: "ana",
    text: "psst",
    ...extra,
  });
  assertEquals(place.hint(from("ben"))?.text, "/query ben to answer.");
  assertEquals(place.hint(from("Ben")), undefined, "once per person");
  assertEquals(place.hint(from("cy", { history: true })), undefined, "not for history");
  assertEquals(place.hint({ type: "private", from: "ana", to: "cy", text: "x" }), undefined);
  assertEquals(place.hint({ type: "message", from: "cy", text: "x" }), undefined);
  run("/query dee");
  assertEquals(place.hint(from("dee")), undefined, "the conversation on screen");
  assertEquals(place.hint(from("cy", { type: "file" }))?.text, "/query cy to answer.");
});
