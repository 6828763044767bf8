import { assert, assertEquals } from "@std/assert";
import {
  CLIENT_MESSAGE_TYPES,
  decodeChunkPayload,
  type DecodeResult,
  FrameDecoder,
  FrameDecoderStream,
  FrameType,
  MAX_FRAME_BYTES,
  MAX_RID_CHARS,
  parseJsonPayload,
  ProtocolError,
  toClientMessage,
} from "../../src/protocol/mod.ts";
import {
  chunkings,
  concat,
  corpusFrames,
  corpusMessages,
  FrameMutator,
  fuzzSeed,
  Prng,
} from "./_fuzz_frames.ts";

const FRAMES = 100_000;
const TIME_LIMIT_MS = 10_000;
/** The only errors a frame may turn into after the handshake: none of them closes it. */
const MESSAGE_CODES = new Set(["bad_json", "unknown_type", "bad_request"]);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Says how to replay a failure. */
class FuzzFailure extends Error {
  constructor(seed: number, stream: number, why: string, bytes: Uint8Array) {
    const shown = hex(bytes.subarray(0, 300)) + (bytes.byteLength > 300 ? "…" : "");
    super(
      `${why}\n  seed ${seed} (FUZZ_SEED=${seed}), stream ${stream}, ${bytes.byteLength} bytes: ${shown}`,
    );
  }
}

/**
 * Feeds `pieces` to `decoder`, checking after every push that it buffers less than one frame
 * and that a fatal error is its very last output.
 */
function decodeAll(decoder: FrameDecoder, pieces: readonly Uint8Array[], max: number) {
  const results: DecodeResult[] = [];
  for (const piece of pieces) {
    const failedBefore = decoder.failed;
    const out = decoder.push(piece);
    if (failedBefore && out.length > 0) throw new Error("output after a fatal error");
    const errorAt = out.findIndex((result) => result instanceof ProtocolError);
    if (errorAt !== -1 && errorAt !== out.length - 1) throw new Error("frames after an error");
    if (decoder.bufferedBytes >= 4 + max) {
      throw new Error(`${decoder.bufferedBytes} bytes buffered with a limit of ${max}`);
    }
    results.push(...out);
  }
  return results;
}

/** Why two decoder outputs differ, or undefined when they are the same. */
function difference(a: readonly DecodeResult[], b: readonly DecodeResult[]): string | undefined {
  if (a.length !== b.length) return `${a.length} results vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x instanceof ProtocolError || y instanceof ProtocolError) {
      if (
        !(x instanceof ProtocolError && y instanceof ProtocolError) || x.code !== y.code ||
        x.message !== y.message || x.fatal !== y.fatal
      ) return `result ${i}: ${describe(x)} vs ${describe(y)}`;
    } else if (x.type !== y.type || !sameBytes(x.payload, y.payload)) {
      return `result ${i}: ${describe(x)} vs ${describe(y)}`;
    }
  }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describe(result: DecodeResult): string {
  return result instanceof ProtocolError
    ? `error ${result.code}`
    : `frame type ${result.type}, ${result.payload.byteLength} bytes`;
}

/** Runs a decoded frame through what the server does with it; returns the outcome. */
function interpret(frame: { type: number; payload: Uint8Array }): string {
  if (frame.type === FrameType.CHUNK) {
    try {
      decodeChunkPayload(frame.payload);
      return "chunk";
    } catch (error) {
      if (!(error instanceof RangeError) || frame.payload.byteLength >= 4) throw error;
      return "short chunk";
    }
  }
  if (frame.type !== FrameType.JSON) return "unknown frame type";
  try {
    const message = toClientMessage(parseJsonPayload(frame.payload));
    if (!(CLIENT_MESSAGE_TYPES as readonly string[]).includes(message.type)) {
      throw new Error(`accepted an unknown type ${JSON.stringify(message.type)}`);
    }
    const rid = (message as { rid?: unknown }).rid;
    if (typeof rid === "string" && (rid.length < 1 || rid.length > MAX_RID_CHARS)) {
      throw new Error(`accepted a rid of ${rid.length} characters`);
    }
    return `valid ${message.type}`;
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    if (!MESSAGE_CODES.has(error.code) || error.fatal) {
      throw new Error(`unexpected ${error.code} (fatal ${error.fatal}): ${error.message}`);
    }
    return error.code;
  }
}

Deno.test("100,000 fuzzed frames in random chunkings never throw past the decoder and parser", () => {
  const seed = fuzzSeed();
  console.log(`fuzz_decoder seed ${seed} (replay with FUZZ_SEED=${seed})`);
  const rng = new Prng(seed);
  const mutator = new FrameMutator(rng, corpusMessages());
  const outcomes = new Map<string, number>();
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  const started = performance.now();
  let fed = 0;
  let stream = 0;
  let bytesFed = 0;
  while (fed < FRAMES) {
    stream++;
    const frames = Array.from(
      { length: 1 + rng.int(20) },
      () => mutator.frame({ allowHuge: rng.chance(0.002) }),
    );
    fed += frames.length;
    const bytes = concat(frames);
    bytesFed += bytes.byteLength;
    const max = rng.chance(0.2) ? 1 + rng.int(4096) : MAX_FRAME_BYTES;
    try {
      const whole = decodeAll(new FrameDecoder({ maxFrameBytes: max }), [bytes], max);
      const pieces = decodeAll(
        new FrameDecoder({ maxFrameBytes: max }),
        chunkings(rng, bytes),
        max,
      );
      const differs = difference(pieces, whole);
      if (differs !== undefined) throw new Error(`chunked decoding differs: ${differs}`);
      // Each frame also on its own, so that one corrupt length does not hide the frames after it.
      const alone = frames.flatMap((frame) =>
        decodeAll(new FrameDecoder({ maxFrameBytes: max }), [frame], max)
      );
      for (const result of [...whole, ...alone]) {
        if (result instanceof ProtocolError) {
          assert(result.fatal, "header errors are fatal");
          count(`decoder ${result.code}`);
          continue;
        }
        if (result.payload.byteLength + 1 > max) {
          throw new Error(
            `a frame of ${result.payload.byteLength + 1} bytes over the limit ${max}`,
          );
        }
        count(interpret(result));
      }
    } catch (error) {
      throw new FuzzFailure(seed, stream, String(error), bytes);
    }
  }
  const elapsed = performance.now() - started;
  const report = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`);
  console.log(
    `${fed} frames fed (${(bytesFed / 1e6).toFixed(1)} MB) in ${stream} streams, ${
      [...outcomes.values()].reduce((a, b) => a + b, 0)
    } results decoded, ${elapsed.toFixed(0)} ms\n  mutations: ${
      [...mutator.counts].map(([k, v]) => `${k} ${v}`).join(", ")
    }\n  outcomes: ${report.join(", ")}`,
  );
  assert(fed >= FRAMES);
  assert((outcomes.get("valid send") ?? 0) > 0, "some mutants are still valid requests");
  assert((outcomes.get("bad_request") ?? 0) > 0, "and some are rejected fields");
  assert(elapsed < TIME_LIMIT_MS, `took ${elapsed.toFixed(0)} ms, over ${TIME_LIMIT_MS} ms`);
});

Deno.test("FrameDecoderStream gives the same frames as FrameDecoder for fuzzed input", async () => {
  const seed = fuzzSeed();
  console.log(`fuzz_decoder stream seed ${seed} (replay with FUZZ_SEED=${seed})`);
  const rng = new Prng(seed);
  const mutator = new FrameMutator(rng, corpusMessages());
  for (let stream = 1; stream <= 2000; stream++) {
    const bytes = concat(Array.from({ length: 1 + rng.int(10) }, () => mutator.frame()));
    const expected = decodeAll(new FrameDecoder(), [bytes], MAX_FRAME_BYTES);
    const results: DecodeResult[] = [];
    const readable = ReadableStream.from(chunkings(rng, bytes)).pipeThrough(
      new FrameDecoderStream(),
    );
    for await (const result of readable) results.push(result);
    const differs = difference(results, expected);
    if (differs !== undefined) {
      throw new FuzzFailure(seed, stream, `FrameDecoderStream differs: ${differs}`, bytes);
    }
  }
});

Deno.test("the unmutated corpus decodes to exactly its messages in any chunking", () => {
  const seed = fuzzSeed();
  const rng = new Prng(seed);
  const messages = corpusMessages();
  const bytes = concat(corpusFrames(messages));
  for (let round = 0; round < 500; round++) {
    const results = decodeAll(new FrameDecoder(), chunkings(rng, bytes), MAX_FRAME_BYTES);
    const decoded = results.flatMap((result) =>
      !(result instanceof ProtocolError) && result.type === FrameType.JSON
        ? [toClientMessage(parseJsonPayload(result.payload))]
        : []
    );
    assertEquals(decoded, messages, `seed ${seed}, round ${round}`);
    assertEquals(results.length, messages.length + 4, "and the chunk and unknown frames");
  }
});
