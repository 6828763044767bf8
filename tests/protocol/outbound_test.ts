import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { encodeFrame, type Frame, FrameType, MAX_FRAME_BYTES } from "../../src/protocol/frame.ts";
import { FrameDecoder } from "../../src/protocol/frame_decoder.ts";
import {
  type ClientMessage,
  parseJsonPayload,
  type ServerMessage,
} from "../../src/protocol/messages.ts";
import { encodeMessage, OutboundMessage } from "../../src/protocol/outbound.ts";

const SERVER_MESSAGES: ServerMessage[] = [
  { type: "ping" },
  { type: "pong", rid: "p1" },
  {
    type: "welcome",
    v: 1,
    server: "chat/0.1.0",
    nick: "alice",
    max_message_bytes: 4096,
    max_frame_bytes: MAX_FRAME_BYTES,
    history: 50,
  },
  { type: "joined", room: "lobby", users: ["alice", "bob"], count: 2 },
  {
    type: "message",
    id: 41,
    ts: "2026-11-21T09:29:58.120Z",
    room: "lobby",
    from: "bob",
    text: "anyone here? 👋 Zoë مرحبا",
    history: true,
  },
  { type: "history_end", room: "lobby", count: 0, before: null, more: false },
  { type: "room_list", rooms: [{ name: "lobby", users: 2 }] },
  { type: "error", code: "no_such_user", message: "No user named carol.", fatal: false },
  { type: "bye", reason: "quit", message: "Goodbye." },
];

function decodeOne(bytes: Uint8Array): Frame {
  const results = new FrameDecoder().push(bytes);
  assertEquals(results.length, 1);
  return results[0] as Frame;
}

Deno.test("OutboundMessage encodes once and returns the same json and frame on every access", () => {
  for (const message of SERVER_MESSAGES) {
    const out = new OutboundMessage(message);
    const frame = out.frame;
    assertStrictEquals(out.frame, frame, message.type);
    assertStrictEquals(out.json, out.json, message.type);
    assertStrictEquals(out.message, message);
  }
});

Deno.test("OutboundMessage serialises the message only once, whichever form is read first", () => {
  for (const order of [["json", "frame"], ["frame", "json"]] as const) {
    let reads = 0;
    const message: ServerMessage = {
      type: "ack",
      id: 43,
      ts: "2026-11-21T09:30:00.004Z",
      event: {
        type: "message",
        id: 43,
        ts: "2026-11-21T09:30:00.004Z",
        room: "lobby",
        from: "ada",
        text: "hi",
      },
      get rid() {
        reads++;
        return "a1";
      },
    };
    const out = new OutboundMessage(message);
    for (let i = 0; i < 3; i++) for (const form of order) out[form];
    assertEquals(reads, 1, order.join(" then "));
  }
});

Deno.test("OutboundMessage.frame decodes back to the same message", () => {
  for (const message of SERVER_MESSAGES) {
    const out = new OutboundMessage(message);
    const frame = decodeOne(out.frame);
    assertEquals(frame.type, FrameType.JSON);
    assertEquals(parseJsonPayload(frame.payload), message);
    assertEquals(JSON.parse(out.json), message);
  }
});

Deno.test("OutboundMessage.frame has the same bytes as encodeMessage()", () => {
  for (const message of SERVER_MESSAGES) {
    assertEquals(new OutboundMessage(message).frame, encodeMessage(message), message.type);
  }
});

Deno.test("OutboundMessage.frame throws a RangeError for a message over the frame limit", () => {
  const out = new OutboundMessage({
    type: "message",
    id: 1,
    ts: "2026-11-21T09:30:00.000Z",
    room: "lobby",
    from: "bob",
    text: "x".repeat(MAX_FRAME_BYTES),
  });
  assert(out.json.length > MAX_FRAME_BYTES);
  assertThrows(() => out.frame, RangeError, "exceeds the limit of 1048576");
});

Deno.test("encodeMessage() frames the UTF-8 bytes of JSON.stringify(message)", () => {
  const cases: { message: ClientMessage | ServerMessage; bytes: number }[] = [
    { message: { type: "quit" }, bytes: 20 },
    { message: { type: "ping" }, bytes: 20 },
    { message: { type: "send", rid: "a1", text: "hi bob 👋" }, bytes: 52 },
    { message: { type: "nick", nick: "Zoë" }, bytes: 34 },
  ];
  for (const { message, bytes } of cases) {
    const json = JSON.stringify(message);
    const encoded = encodeMessage(message);
    assertEquals(encoded.byteLength, bytes, json);
    assertEquals(encoded, encodeFrame(FrameType.JSON, new TextEncoder().encode(json)), json);
    assertEquals(parseJsonPayload(decodeOne(encoded).payload), message, json);
  }
});
