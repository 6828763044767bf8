import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { type ErrorCode, ProtocolError } from "../../src/protocol/errors.ts";
import type { Field, Shape } from "../../src/protocol/schema.ts";
import {
  CLIENT_MESSAGE_TYPES,
  CLIENT_MESSAGES,
  MAX_RID_CHARS,
  parseJsonPayload,
  PROTOCOL_VERSION,
  SERVER_MESSAGE_TYPES,
  SERVER_MESSAGES,
  toClientMessage,
  toServerMessage,
} from "../../src/protocol/messages.ts";

type JsonObject = Record<string, unknown> & { type: string };

const encoder = new TextEncoder();

function bytes(...parts: (string | number[])[]): Uint8Array {
  return new Uint8Array(
    parts.flatMap((part) => typeof part === "string" ? [...encoder.encode(part)] : part),
  );
}

/** Asserts that `fn` throws a non-fatal ProtocolError with `code`, and returns it. */
function assertProtocolError(fn: () => unknown, code: ErrorCode, label: string): ProtocolError {
  const error = assertThrows(fn, ProtocolError, undefined, label) as ProtocolError;
  assertEquals(error.code, code, label);
  assertEquals(error.fatal, false, label);
  return error;
}

/** A valid value of `field`, within its limits. */
function sample(field: Field): unknown {
  switch (field.kind) {
    case "string":
      return "x".repeat(Math.max(1, field.limits.min ?? 1));
    case "integer":
      return Math.max(field.limits.min ?? 7, 7);
    case "number":
      return 7.5;
    case "boolean":
    case "true":
      return true;
    case "enum":
      return field.values[0];
    case "nullable":
      return sample(field.of);
    case "array":
      return [sample(field.of)];
    case "object":
      return Object.fromEntries(Object.entries(field.fields).map(([k, f]) => [k, sample(f)]));
  }
}

/** Values `field` must refuse: other JSON types, and values just past its limits. */
function wrongValues(field: Field): unknown[] {
  const others = ["1", 1, true, null, [], {}].filter((value) =>
    (field.kind === "nullable" ? value !== null : true) &&
    !(field.kind === "string" && typeof value === "string") &&
    !((field.kind === "integer" || field.kind === "number") && typeof value === "number") &&
    !((field.kind === "boolean" || field.kind === "true") && value === true) &&
    !(field.kind === "array" && Array.isArray(value)) &&
    !(field.kind === "object" && typeof value === "object" && value !== null &&
      !Array.isArray(value))
  );
  switch (field.kind) {
    case "string": {
      const { min, max } = field.limits;
      return [
        ...others,
        ...(min !== undefined && min > 0 ? ["x".repeat(min - 1)] : []),
        ...(max !== undefined ? ["x".repeat(max + 1)] : []),
      ];
    }
    case "integer":
      return [
        ...others,
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        2 ** 53,
        ...(field.limits.min !== undefined ? [field.limits.min - 1] : []),
        ...(field.limits.max !== undefined ? [field.limits.max + 1] : []),
      ];
    case "number":
      return [...others, Number.NaN, Number.POSITIVE_INFINITY];
    case "boolean":
      return [...others, "true", 0];
    case "true":
      return [...others, false];
    case "enum":
      return [...others, `${field.values[0]}x`];
    default:
      return others;
  }
}

/** A message of `type` with every field of its schema set to a valid value. */
function fullMessage(type: string): JsonObject {
  const message: JsonObject = { type };
  for (const [name, field] of Object.entries(shapeOf(type))) message[name] = sample(field);
  return message;
}

/** A message of `type` with only its required fields. */
function minimalMessage(type: string): JsonObject {
  const message: JsonObject = { type };
  for (const [name, field] of Object.entries(shapeOf(type))) {
    if (!field.optional) message[name] = sample(field);
  }
  return message;
}

function shapeOf(type: string): Shape {
  return (CLIENT_MESSAGES as Record<string, Shape>)[type];
}

Deno.test("Message type lists keep every entry in order: they are append-only", () => {
  assertEquals(PROTOCOL_VERSION, 1);
  assertEquals(CLIENT_MESSAGE_TYPES.slice(0, 18), [
    ...["hello", "send", "private", "join", "nick", "who", "rooms", "info", "history"],
    ...["ping", "pong", "quit", "upload", "upload_end", "upload_cancel", "download"],
    ...["download_cancel", "files"],
  ]);
  assertEquals(SERVER_MESSAGE_TYPES.slice(0, 22), [
    ...["welcome", "joined", "message", "action", "private", "notice", "history_end", "ack"],
    ...["nick_ok", "users", "room_list", "server_info", "pong", "ping", "error", "bye"],
    ...["file", "upload_ready", "upload_done", "download_ready", "download_end", "file_list"],
  ]);
});

Deno.test("parseJsonPayload() returns any JSON object with a string type", () => {
  const cases: { name: string; payload: Uint8Array; expected: JsonObject }[] = [
    { name: "ping", payload: bytes('{"type":"ping"}'), expected: { type: "ping" } },
    {
      name: "white space around",
      payload: bytes(' \n{ "type" : "ping" }\t'),
      expected: { type: "ping" },
    },
    {
      name: "non-ASCII text",
      payload: bytes('{"type":"send","rid":"1","text":"Zoë 👋 مرحبا"}'),
      expected: { type: "send", rid: "1", text: "Zoë 👋 مرحبا" },
    },
    {
      name: "unknown type and extra fields",
      payload: bytes('{"type":"later","extra":[1,{"a":null}]}'),
      expected: { type: "later", extra: [1, { a: null }] },
    },
    { name: "empty type", payload: bytes('{"type":""}'), expected: { type: "" } },
  ];
  for (const { name, payload, expected } of cases) {
    assertEquals(parseJsonPayload(payload), expected, name);
  }
});

Deno.test("parseJsonPayload() rejects anything but a UTF-8 JSON object with a string type as bad_json", () => {
  const cases: { name: string; payload: Uint8Array }[] = [
    { name: "invalid UTF-8 byte 0xff", payload: bytes('{"type":"', [0xff], '"}') },
    { name: "truncated UTF-8 sequence", payload: bytes('{"type":"', [0xc3], '"}') },
    { name: "overlong UTF-8 encoding of /", payload: bytes('{"type":"', [0xc0, 0xaf], '"}') },
    { name: "UTF-8 encoded surrogate", payload: bytes('{"type":"', [0xed, 0xa0, 0x80], '"}') },
    { name: "empty payload", payload: bytes("") },
    { name: "unterminated object", payload: bytes('{"type":"ping"') },
    { name: "unquoted keys", payload: bytes("{type:ping}") },
    { name: "single quotes", payload: bytes("{'type':'ping'}") },
    { name: "trailing comma", payload: bytes('{"type":"ping",}') },
    { name: "trailing garbage", payload: bytes('{"type":"ping"} x') },
    { name: "two objects", payload: bytes('{"type":"ping"}{"type":"ping"}') },
    { name: "empty array", payload: bytes("[]") },
    { name: "array holding a message", payload: bytes('[{"type":"ping"}]') },
    { name: "null", payload: bytes("null") },
    { name: "number", payload: bytes("42") },
    { name: "string", payload: bytes('"ping"') },
    { name: "boolean", payload: bytes("true") },
    { name: "deeply nested arrays", payload: bytes("[".repeat(100_000), "]".repeat(100_000)) },
    { name: "no type", payload: bytes('{"rid":"1"}') },
    { name: "type spelled Type", payload: bytes('{"Type":"ping"}') },
    { name: "numeric type", payload: bytes('{"type":1}') },
    { name: "null type", payload: bytes('{"type":null}') },
    { name: "array type", payload: bytes('{"type":["ping"]}') },
    { name: "object type", payload: bytes('{"type":{}}') },
  ];
  for (const { name, payload } of cases) {
    assertProtocolError(() => parseJsonPayload(payload), "bad_json", name);
  }
});

Deno.test("toClientMessage() accepts every client type, with and without its optional fields", () => {
  for (const type of CLIENT_MESSAGE_TYPES) {
    for (const message of [fullMessage(type), minimalMessage(type)]) {
      assertStrictEquals(toClientMessage(message), message, JSON.stringify(message));
    }
  }
});

Deno.test("toClientMessage() accepts the messages of PROTOCOL.md as sent on the wire", () => {
  const payloads = [
    '{"type":"hello","v":1,"nick":"alice","passkey":"7kq2m-9xd4t-r8p3c","room":"lobby"}',
    '{"type":"send","rid":"a1","text":"hi bob 👋"}',
    '{"type":"send","rid":"a3","text":"waves","action":true}',
    '{"type":"private","rid":"a2","to":"carol","text":"psst"}',
    '{"type":"history","before":41,"limit":500,"rid":"h1"}',
    '{"type":"quit"}',
  ];
  for (const payload of payloads) {
    assertEquals(toClientMessage(parseJsonPayload(bytes(payload))), JSON.parse(payload));
  }
});

Deno.test("toClientMessage() ignores fields it does not know", () => {
  const message = { type: "ping", rid: "p1", sent_at: 12, extra: { nested: true } };
  assertEquals(toClientMessage(message), message);
});

Deno.test("toClientMessage() rejects a missing required field as bad_request and names it", () => {
  for (const type of CLIENT_MESSAGE_TYPES) {
    for (const [field, spec] of Object.entries(shapeOf(type))) {
      if (spec.optional) continue;
      const message = fullMessage(type);
      delete message[field];
      const error = assertProtocolError(
        () => toClientMessage(message),
        "bad_request",
        `${type} without ${field}`,
      );
      assert(error.message.includes(`"${field}"`), error.message);
    }
  }
});

Deno.test("toClientMessage() rejects a mistyped or out-of-limits field as bad_request, whether required or optional", () => {
  for (const type of CLIENT_MESSAGE_TYPES) {
    for (const [field, spec] of Object.entries(shapeOf(type))) {
      for (const wrong of wrongValues(spec)) {
        const message = { ...fullMessage(type), [field]: wrong };
        const label = `${type}.${field} = ${String(wrong)}`;
        const error = assertProtocolError(() => toClientMessage(message), "bad_request", label);
        assert(error.message.includes(`"${field}"`), error.message);
      }
    }
  }
});

Deno.test("toClientMessage() rejects a number field given a string, even a numeric one", () => {
  const cases: JsonObject[] = [
    { type: "hello", v: "1", nick: "alice", passkey: "k" },
    { type: "history", before: "41" },
    { type: "history", limit: "10" },
    { type: "history", limit: "" },
  ];
  for (const message of cases) {
    assertProtocolError(() => toClientMessage(message), "bad_request", JSON.stringify(message));
  }
});

Deno.test("toClientMessage() rejects a number that JSON overflows to Infinity", () => {
  const payloads = ['{"type":"history","limit":1e400}', '{"type":"history","before":-1e400}'];
  for (const payload of payloads) {
    assertProtocolError(
      () => toClientMessage(parseJsonPayload(bytes(payload))),
      "bad_request",
      payload,
    );
  }
});

Deno.test("toClientMessage() rejects an unknown type as unknown_type, including Object.prototype keys", () => {
  const types = [
    "",
    "HELLO",
    "Hello ",
    "welcome",
    "error",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "__defineGetter__",
  ];
  for (const type of types) {
    assertProtocolError(() => toClientMessage({ type }), "unknown_type", JSON.stringify(type));
  }
});

Deno.test("toClientMessage() rejects a type of __proto__ that arrives through JSON", () => {
  const object = parseJsonPayload(bytes('{"type":"__proto__","rid":"1"}'));
  assertProtocolError(() => toClientMessage(object), "unknown_type", "__proto__ from JSON");
});

Deno.test("toClientMessage() does not take fields from a __proto__ key in the JSON", () => {
  const object = parseJsonPayload(bytes('{"type":"nick","__proto__":{"nick":"mallory"}}'));
  assertProtocolError(() => toClientMessage(object), "bad_request", "nick only under __proto__");
});

Deno.test("toClientMessage() quotes at most 40 characters of an unknown type", () => {
  const error = assertProtocolError(
    () => toClientMessage({ type: "x".repeat(10_000) }),
    "unknown_type",
    "long type",
  );
  assert(error.message.length < 80, error.message);
});

Deno.test("toClientMessage() enforces the rid length of 1 to MAX_RID_CHARS characters", () => {
  assertEquals(MAX_RID_CHARS, 64);
  const cases = [
    { rid: "r", ok: true },
    { rid: "r".repeat(MAX_RID_CHARS), ok: true },
    { rid: "", ok: false },
    { rid: "r".repeat(MAX_RID_CHARS + 1), ok: false },
    { rid: "r".repeat(10_000), ok: false },
  ];
  for (const { rid, ok } of cases) {
    for (const type of ["send", "ping", "history"]) {
      const message = { ...minimalMessage(type), rid };
      const label = `${type} with a rid of ${rid.length} characters`;
      if (ok) assertEquals(toClientMessage(message), message, label);
      else assertProtocolError(() => toClientMessage(message), "bad_request", label);
    }
  }
});

Deno.test("toServerMessage() accepts every server type with its fields, and returns undefined for an unknown type", () => {
  for (const [type, shape] of Object.entries(SERVER_MESSAGES as Record<string, Shape>)) {
    const message: JsonObject = { type };
    for (const [name, field] of Object.entries(shape)) message[name] = sample(field);
    assertStrictEquals(toServerMessage(message), message, type);
  }
  assertEquals(toServerMessage({ type: "hologram", id: 1 }), undefined);
  assertEquals(toServerMessage({ type: "__proto__" }), undefined);
});

Deno.test("toServerMessage() rejects a known type with a missing or mistyped field, naming its path", () => {
  const cases: { message: JsonObject; field: string }[] = [
    { message: { type: "ack", rid: "1", id: 4 }, field: "ts" },
    { message: { type: "joined", room: "lobby", users: ["a", 2], count: 2 }, field: "users[1]" },
    {
      message: {
        type: "welcome",
        v: 1,
        server: "s",
        nick: "n",
        max_message_bytes: 1,
        max_frame_bytes: 1,
        history: 5,
        rate: { per_second: 5 },
      },
      field: "rate.burst",
    },
    {
      message: { type: "history_end", room: "r", count: 0, before: "none", more: false },
      field: "before",
    },
    { message: { type: "bye", reason: "tired", message: "x" }, field: "reason" },
  ];
  for (const { message, field } of cases) {
    const error = assertThrows(() => toServerMessage(message), ProtocolError) as ProtocolError;
    assert(error.message.includes(`"${field}"`), `${field}: ${error.message}`);
  }
  assertEquals(
    toServerMessage({ type: "history_end", room: "r", count: 0, before: null, more: false }),
    { type: "history_end", room: "r", count: 0, before: null, more: false },
    "before may be null",
  );
});
