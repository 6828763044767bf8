import {
  type ClientMessage,
  encodeChunkFrame,
  encodeFrame,
  encodeMessage,
  FrameType,
  HEADER_BYTES,
  MAX_FRAME_BYTES,
} from "../../src/protocol/mod.ts";

/**
 * A small, fast, seeded PRNG (mulberry32), so a failing fuzz run can be replayed from the
 * seed it printed.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `length` random bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

/** The seed of a fuzz run: `FUZZ_SEED` from the environment, or a fresh random one. */
export function fuzzSeed(): number {
  const fromEnv = Deno.env.get("FUZZ_SEED");
  return fromEnv === undefined || fromEnv === ""
    ? crypto.getRandomValues(new Uint32Array(1))[0]
    : Number(fromEnv) >>> 0;
}

const encoder = new TextEncoder();

/**
 * Valid client messages of every type. The passkey in them is deliberately wrong: fuzzed
 * frames must never carry a real secret that the server could legitimately echo back.
 */
export function corpusMessages(
  options: { nick?: string; room?: string; quit?: boolean } = {},
): ClientMessage[] {
  const nick = options.nick ?? "fz";
  const room = options.room ?? "lobby";
  const messages: ClientMessage[] = [
    { type: "hello", v: 1, nick, passkey: "not-the-passkey", room },
    {
      type: "hello",
      v: 1,
      nick,
      passkey: "not-the-passkey",
      room,
      client: "fuzz",
      presence: false,
      resume: "00".repeat(18),
      since: 0,
    },
    { type: "send", rid: "r1", text: "fuzz says hi" },
    { type: "send", rid: "r2", text: "/me waves", action: true },
    { type: "private", rid: "r3", to: nick, text: "note to self" },
    { type: "join", room: "fuzzroom", rid: "r4" },
    { type: "nick", nick: `${nick}2`, rid: "r5" },
    { type: "who", rid: "r6" },
    { type: "rooms", rid: "r7" },
    { type: "info", rid: "r8" },
    { type: "history", before: 10, limit: 5, rid: "r9" },
    { type: "ping", rid: "r10" },
    { type: "pong", rid: "r11" },
    { type: "quit" },
    { type: "upload", rid: "r12", name: "f.txt", size: 3, sha256: "ab".repeat(32) },
    { type: "upload_end", rid: "r13", transfer: 1, sha256: "ab".repeat(32) },
    { type: "upload_cancel", transfer: 1 },
    { type: "download", rid: "r14", id: 1, offset: 0 },
    { type: "download_cancel", transfer: 1 },
    { type: "files", rid: "r15", room, limit: 5 },
  ];
  // A connection that is to be kept busy had better not say goodbye verbatim too often.
  return options.quit === false ? messages.filter((m) => m.type !== "quit") : messages;
}

/** Encoded corpus frames: every message above, and a few `CHUNK` and unknown frames. */
export function corpusFrames(messages: readonly ClientMessage[]): Uint8Array[] {
  return [
    ...messages.map((message) => encodeMessage(message)),
    encodeChunkFrame(1, encoder.encode("abc")),
    encodeChunkFrame(0xffffffff, new Uint8Array(0)),
    encodeFrame(0x03, encoder.encode("future")),
    encodeFrame(0x00, new Uint8Array(0)),
  ];
}

/** JSON values that have broken parsers and validators before. */
const TOKENS: readonly string[] = [
  "null",
  "true",
  "false",
  "0",
  "-0",
  "1",
  "-1",
  "1.5",
  "1e308",
  "1e309",
  "-1e309",
  "9007199254740993",
  "4294967296",
  '""',
  '" "',
  `"${"x".repeat(65)}"`,
  '"\\u0000"',
  '"\\ud800"',
  '"\\udc00\\ud800"',
  '"\\u001b[2J"',
  '"\u202e"',
  '"👋"',
  '"__proto__"',
  '"constructor"',
  '"toString"',
  '"hasOwnProperty"',
  '"valueOf"',
  '"lobby"',
  '"#lobby"',
  '"../../etc/passwd"',
  "{}",
  "[]",
  '{"__proto__":{"polluted":true}}',
  '{"type":"ping"}',
  "[[[[[[[[[[]]]]]]]]]]",
  '{"a":{"b":{"c":{}}}}',
];

const FIELDS: readonly string[] = [
  "type",
  "v",
  "nick",
  "passkey",
  "room",
  "rid",
  "text",
  "to",
  "since",
  "resume",
  "presence",
  "before",
  "limit",
  "id",
  "offset",
  "transfer",
  "size",
  "sha256",
  "name",
  "action",
  "__proto__",
];

const TYPES: readonly string[] = [
  "hello",
  "send",
  "private",
  "join",
  "nick",
  "who",
  "rooms",
  "info",
  "history",
  "ping",
  "pong",
  "quit",
  "upload",
  "upload_end",
  "upload_cancel",
  "download",
  "download_cancel",
  "files",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "",
  "HELLO",
  "welcome",
  "error",
];

function header(length: number, type: number): Uint8Array {
  const bytes = new Uint8Array(5);
  new DataView(bytes.buffer).setUint32(0, length >>> 0);
  bytes[4] = type;
  return bytes;
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.byteLength;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function jsonFrame(text: string): Uint8Array {
  const payload = encoder.encode(text);
  return payload.byteLength + 1 > MAX_FRAME_BYTES
    ? concat([header(payload.byteLength + 1, FrameType.JSON), payload])
    : encodeFrame(FrameType.JSON, payload);
}

/** The kinds of mutation {@linkcode FrameMutator} applies; counted for the report. */
export type Mutation =
  | "verbatim"
  | "bit_flips"
  | "truncate"
  | "length_field"
  | "splice"
  | "type_byte"
  | "json_field"
  | "json_text"
  | "insert_bytes"
  | "random"
  | "bad_utf8"
  | "deep_nesting"
  | "huge";

/** Makes hostile frames from a corpus of valid ones. */
export class FrameMutator {
  readonly #rng: Prng;
  readonly #frames: readonly Uint8Array[];
  readonly #messages: readonly ClientMessage[];
  /** How often each mutation was applied. */
  readonly counts = new Map<Mutation, number>();

  constructor(rng: Prng, messages: readonly ClientMessage[]) {
    this.#rng = rng;
    this.#messages = messages;
    this.#frames = corpusFrames(messages);
  }

  /** One fuzzed frame (which may well not be a frame at all). */
  frame(options: { allowHuge?: boolean } = {}): Uint8Array {
    const rng = this.#rng;
    const roll = rng.int(100);
    const kind: Mutation = roll < 6
      ? "verbatim"
      : roll < 20
      ? "bit_flips"
      : roll < 27
      ? "truncate"
      : roll < 35
      ? "length_field"
      : roll < 41
      ? "splice"
      : roll < 47
      ? "type_byte"
      : roll < 70
      ? "json_field"
      : roll < 82
      ? "json_text"
      : roll < 86
      ? "insert_bytes"
      : roll < 93
      ? "random"
      : roll < 98
      ? "bad_utf8"
      : roll < 99 || !options.allowHuge
      ? "deep_nesting"
      : "huge";
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    return this.#mutate(kind);
  }

  /**
   * A fuzzed frame whose length field is right, so the frames after it are read in step:
   * whatever the mutation did to the header is undone by framing the result again.
   */
  framed(): Uint8Array {
    const bytes = this.frame();
    if (
      bytes.byteLength >= HEADER_BYTES &&
      new DataView(bytes.buffer, bytes.byteOffset).getUint32(0) === bytes.byteLength - 4
    ) {
      return bytes;
    }
    const type = bytes.byteLength >= HEADER_BYTES ? bytes[4] : FrameType.JSON;
    const payload = bytes.byteLength >= HEADER_BYTES ? bytes.subarray(HEADER_BYTES) : bytes;
    return encodeFrame(type, payload.subarray(0, MAX_FRAME_BYTES - 1));
  }

  #mutate(kind: Mutation): Uint8Array {
    const rng = this.#rng;
    const base = rng.pick(this.#frames);
    switch (kind) {
      case "verbatim":
        return base;
      case "bit_flips": {
        const out = base.slice();
        for (let i = 1 + rng.int(8); i > 0; i--) out[rng.int(out.length)] ^= 1 << rng.int(8);
        return out;
      }
      case "truncate":
        return base.subarray(0, rng.int(base.byteLength));
      case "length_field": {
        const out = base.slice();
        const real = base.byteLength - 4;
        const length = rng.pick([
          0,
          1,
          real - 1,
          real + 1,
          real + rng.int(100),
          MAX_FRAME_BYTES,
          MAX_FRAME_BYTES + 1,
          0xffffffff,
          0x80000000,
          rng.int(0x100000000),
          rng.int(64),
        ]);
        new DataView(out.buffer).setUint32(0, Math.max(0, length) >>> 0);
        return out;
      }
      case "splice": {
        const other = rng.pick(this.#frames);
        return concat([base.subarray(0, rng.int(base.byteLength)), other.subarray(rng.int(5))]);
      }
      case "type_byte": {
        const out = base.slice();
        out[4] = rng.int(256);
        return out;
      }
      case "json_field": {
        const object: Record<string, unknown> = { ...rng.pick(this.#messages) };
        const edits = 1 + rng.int(3);
        let text = JSON.stringify(object);
        for (let i = 0; i < edits; i++) {
          const field = rng.chance(0.3) ? "type" : rng.pick(FIELDS);
          const value = field === "type" && rng.chance(0.6)
            ? JSON.stringify(rng.pick(TYPES))
            : rng.pick(TOKENS);
          // Written as text so that "__proto__" becomes a real own key, as on the wire.
          text = rng.chance(0.2)
            ? `{${JSON.stringify(field)}:${value},${text.slice(1)}`
            : `${text.slice(0, -1)}${text.length > 2 ? "," : ""}${JSON.stringify(field)}:${value}}`;
        }
        return jsonFrame(text);
      }
      case "json_text": {
        const text = JSON.stringify(rng.pick(this.#messages));
        const at = rng.int(text.length);
        const cut = rng.int(Math.min(12, text.length - at) + 1);
        const token = rng.pick([...TOKENS, ",", ":", "{", "}", "[", "]", '"', "\\", "\u0000"]);
        return jsonFrame(text.slice(0, at) + token + text.slice(at + cut));
      }
      case "insert_bytes": {
        const at = rng.int(base.byteLength + 1);
        return concat([base.subarray(0, at), rng.bytes(1 + rng.int(8)), base.subarray(at)]);
      }
      case "random": {
        if (rng.chance(0.5)) return rng.bytes(rng.int(40));
        const payload = rng.bytes(rng.int(200));
        return concat([header(payload.byteLength + 1, rng.pick([1, 1, 2, rng.int(256)])), payload]);
      }
      case "bad_utf8": {
        const text = encoder.encode(JSON.stringify(rng.pick(this.#messages)));
        const bad = rng.pick([
          [0xc0, 0xaf], // overlong "/"
          [0xed, 0xa0, 0x80], // a surrogate, encoded
          [0xff],
          [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
          [0xef, 0xbb, 0xbf], // a byte order mark
          [0xe2, 0x82], // cut short
          [0x00],
        ]);
        const at = rng.int(text.byteLength + 1);
        const payload = concat([text.subarray(0, at), new Uint8Array(bad), text.subarray(at)]);
        return concat([header(payload.byteLength + 1, FrameType.JSON), payload]);
      }
      case "deep_nesting": {
        const depth = rng.pick([10, 100, 1000, 10_000, 30_000]);
        const open = rng.chance(0.5) ? "[" : '{"a":';
        const close = open === "[" ? "]" : "}";
        const value = open.repeat(depth) + "0" + close.repeat(depth);
        return jsonFrame(`{"type":"send","rid":"d","text":${value}}`);
      }
      case "huge": {
        // Exactly at the limit, and one over: valid framing either way, then hostile JSON.
        const room = MAX_FRAME_BYTES - 1 - '{"type":"send","rid":"h","text":""}'.length;
        const fill = "a".repeat(room + rng.int(2));
        return jsonFrame(`{"type":"send","rid":"h","text":"${fill}"}`);
      }
    }
  }
}

/** Splits `bytes` into random pieces: single bytes, small reads, or big ones. */
export function chunkings(rng: Prng, bytes: Uint8Array): Uint8Array[] {
  // Byte by byte only where that stays quick.
  const style = bytes.byteLength > 100_000 ? 2 + rng.int(2) : rng.int(4);
  const pieces: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.byteLength) {
    const size = style === 0
      ? 1
      : style === 1
      ? 1 + rng.int(7)
      : style === 2
      ? 1 + rng.int(200)
      : 1 + rng.int(20_000);
    pieces.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return pieces;
}
