import { assertEquals } from "@std/assert";
import {
  executeInput,
  HistoryCursor,
  type Outcome,
  parseInput,
  type ReconnectingClient,
} from "../../src/client/mod.ts";
import type { ChatEvent, ClientMessage } from "../../src/protocol/mod.ts";

/** A client that records what it is asked to send. */
function recordingClient() {
  const sent: unknown[] = [];
  const client = {
    room: "lobby",
    send: (text: string, options: { action?: boolean } = {}) => {
      sent.push({ send: text, ...options });
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
  return { client: client as unknown as ReconnectingClient, sent };
}

function run(line: string, conversation?: string): { sent: unknown[]; outcome: Outcome } {
  const { client, sent } = recordingClient();
  const cursor = new HistoryCursor();
  cursor.observe({
    type: "private",
    id: 40,
    ts: "",
    room: "lobby",
    from: "ana",
    to: "Ben",
    text: "",
  });
  cursor.observe({ type: "message", id: 30, ts: "", room: "lobby", from: "ben", text: "" });
  const outcome = executeInput(client, parseInput(line), {
    cursor,
    conversation,
    upload: (path, to) => {
      sent.push({ upload: path, to });
      return { kind: "empty" };
    },
    get: () => ({ kind: "empty" }),
  });
  return { sent, outcome };
}

Deno.test("executeInput() sends a line to the room, or privately in a conversation", () => {
  assertEquals(run("hello").sent, [{ send: "hello" }]);
  assertEquals(run("hello", "ben").sent, [{ private: "ben", text: "hello" }]);
});

Deno.test("executeInput() pages, lists files and shares files in the conversation on screen", () => {
  assertEquals(run("/history 5", "ben").sent, [
    { type: "history", with: "ben", limit: 5, before: 40 },
  ]);
  assertEquals(run("/history").sent, [{ type: "history", limit: undefined, before: 30 }]);
  assertEquals(run("/files", "ben").sent, [{ type: "files", with: "ben" }]);
  assertEquals(run("/file a.txt", "ben").sent, [{ upload: "a.txt", to: "ben" }]);
  assertEquals(run("/file a.txt").sent, [{ upload: "a.txt", to: undefined }]);
});

Deno.test("executeInput() sends /mentions, /away and /back, and leaves /query to the client", () => {
  assertEquals(run("/mentions").sent, [{ type: "mentions" }]);
  assertEquals(run("/away lunch").sent, [{ type: "away", text: "lunch" }]);
  assertEquals(run("/away").sent, [{ type: "away" }]);
  assertEquals(run("/back").sent, [{ type: "back" }]);
  const query = run("/query ben");
  assertEquals([query.sent, query.outcome], [[], { kind: "query", nick: "ben" }]);
  assertEquals(run("/me waves", "ben").outcome.kind, "invalid");
});
