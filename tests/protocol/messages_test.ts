import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { type ErrorCode, ProtocolError } from "../../src/protocol/errors.ts";
import {
  CLIENT_MESSAGE_TYPES,
  MAX_RID_CHARS,
  parseJsonPayload,
  PROTOCOL_VERSION,
  SERVER_MESSAGE_TYPES,
  toClientMessage,
} from "../../src/protocol/messages.ts";

type JsonObject = Record<string, unknown> & { type: string };
type Kind = "string" | "number" | "boolean";

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

/** The fields of each client message as PROTOCOL.md section 3.1 lists them; `?` is optional. */
const CLIENT_FIELDS: Record<string, Record<string, `${Kind}${"" | "?"}`>> = {
  hello: {
    v: "number",
    nick: "string",
    passkey: "string",
    room: "string?",
    client: "string?",
    presence: "boolean?",
  },
  send: { rid: "string", text: "string", action: "boolean?" },
  private: { rid: "string", to: "string", text: "string" },
  join: { room: "string", rid: "string?" },
  nick: { nick: "string", rid: "string?" },
  who: { rid: "string?" },
  rooms: { rid: "string?" },
  info: { rid: "string?" },
  history: { before: "number?", limit: "number?", rid: "string?" },
  ping: { rid: "string?" },
  pong: { rid: "string?" },
  quit: {},
  upload: { rid: "string", name: "string", size: "number?", sha256: "string?" },
  upload_end: { rid: "string", transfer: "number", sha256: "string" },
  upload_cancel: { transfer: "number" },
  download: { rid: "string", id: "number", offset: "number?" },
  download_cancel: { transfer: "number" },
  files: { rid: "string?", room: "string?", limit: "number?" },
};

const SAMPLE_VALUES: Record<Kind, unknown> = { string: "x1", number: 7, boolean: true };

const WRONG_VALUES: Record<Kind, unknown[]> = {
  string: [1, true, null, [], {}],
  number: ["1", true, null, [], {}, Number.NaN, Number.POSITIVE_INFINITY],
  boolean: ["true", 1, 0, null, []],
};

function kindOf(spec: string): Kind {
  return spec.replace("?", "") as Kind;
}

/** A message of `type` with every listed field set to a valid value. */
function fullMessage(type: string): JsonObject {
  const message: JsonObject = { type };
  for (const [field, spec] of Object.entries(CLIENT_FIELDS[type])) {
    message[field] = SAMPLE_VALUES[kindOf(spec)];
  }
  return message;
}

/** A message of `type` with only its required fields. */
function minimalMessage(type: string): JsonObject {
  const message: JsonObject = { type };
  for (const [field, spec] of Object.entries(CLIENT_FIELDS[type])) {
    if (!spec.endsWith("?")) message[field] = SAMPLE_VALUES[kindOf(spec)];
  }
  return message;
}

Deno.test("Message type lists keep their version 1 entries in order", () => {
  assertEquals(PROTOCOL_VERSION, 1);
  assertEquals(CLIENT_MESSAGE_TYPES.slice(0, 12), [
    ...["hello", "send", "private", "join", "nick", "who", "rooms", "info", "history"],
    ...["ping", "pong", "quit"],
  ]);
  assertEquals(SERVER_MESSAGE_TYPES.slice(0, 16), [
    ...["welcome", "joined", "message", "action", "private", "notice", "history_end", "ack"],
    ...["nick_ok", "users", "room_list", "server_info", "pong", "ping", "error", "bye"],
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
  assertEquals(Object.keys(CLIENT_FIELDS).sort(), [...CLIENT_MESSAGE_TYPES].sort());
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
  for (const [type, fields] of Object.entries(CLIENT_FIELDS)) {
    for (const [field, spec] of Object.entries(fields)) {
      if (spec.endsWith("?")) continue;
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

Deno.test("toClientMessage() rejects a mistyped field as bad_request, whether required or optional", () => {
  for (const [type, fields] of Object.entries(CLIENT_FIELDS)) {
    for (const [field, spec] of Object.entries(fields)) {
      for (const wrong of WRONG_VALUES[kindOf(spec)]) {
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
