import { assertEquals } from "@std/assert";
import { encodeFrame, type Frame, FrameType } from "../../src/protocol/frame.ts";
import { FrameDecoder } from "../../src/protocol/frame_decoder.ts";
import { type ClientMessage, parseJsonPayload } from "../../src/protocol/messages.ts";
import { encodeMessage } from "../../src/protocol/outbound.ts";

const FIXTURES = new URL("../fixtures/frames/", import.meta.url);

/** Reads a `.hex` fixture: hex digit pairs, white space anywhere between bytes. */
async function readHexFixture(name: string): Promise<Uint8Array> {
  const text = await Deno.readTextFile(new URL(name, FIXTURES));
  const digits = text.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) {
    throw new SyntaxError(`Fixture ${name} must hold only pairs of hex digits and white space`);
  }
  return new Uint8Array(digits.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? []);
}

function decodeOne(bytes: Uint8Array): Frame {
  const decoder = new FrameDecoder();
  const results = decoder.push(bytes);
  assertEquals(results.length, 1);
  assertEquals(decoder.bufferedBytes, 0);
  return results[0] as Frame;
}

/** A CHUNK payload: u32 transfer id, then the file bytes. */
function chunkPayload(transferId: number, data: number[]): Uint8Array {
  const payload = new Uint8Array(4 + data.length);
  new DataView(payload.buffer).setUint32(0, transferId);
  payload.set(data, 4);
  return payload;
}

const JSON_FIXTURES: { file: string; message: ClientMessage }[] = [
  { file: "ping.hex", message: { type: "ping" } },
  {
    file: "hello.hex",
    message: {
      type: "hello",
      v: 1,
      nick: "alice",
      passkey: "7kq2m-9xd4t-r8p3c",
      room: "lobby",
    },
  },
  { file: "send_emoji.hex", message: { type: "send", rid: "a1", text: "hi bob 👋" } },
];

const CHUNK_FIXTURES: { file: string; transferId: number; data: number[] }[] = [
  { file: "chunk_transfer_7.hex", transferId: 7, data: [0x00, 0x01, 0x02, 0xff] },
];

Deno.test("encodeMessage() produces the bytes of each JSON golden frame", async () => {
  for (const { file, message } of JSON_FIXTURES) {
    assertEquals(encodeMessage(message), await readHexFixture(file), file);
  }
});

Deno.test("FrameDecoder decodes each JSON golden frame back to its message", async () => {
  for (const { file, message } of JSON_FIXTURES) {
    const frame = decodeOne(await readHexFixture(file));
    assertEquals(frame.type, FrameType.JSON, file);
    assertEquals(parseJsonPayload(frame.payload), message, file);
  }
});

Deno.test("encodeFrame() produces the bytes of each CHUNK golden frame", async () => {
  for (const { file, transferId, data } of CHUNK_FIXTURES) {
    const bytes = encodeFrame(FrameType.CHUNK, chunkPayload(transferId, data));
    assertEquals(bytes, await readHexFixture(file), file);
  }
});

Deno.test("FrameDecoder decodes each CHUNK golden frame to its transfer id and bytes", async () => {
  for (const { file, transferId, data } of CHUNK_FIXTURES) {
    const { type, payload } = decodeOne(await readHexFixture(file));
    assertEquals(type, FrameType.CHUNK, file);
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    assertEquals(view.getUint32(0), transferId, file);
    assertEquals([...payload.subarray(4)], data, file);
  }
});

Deno.test("PROTOCOL.md shows the ping and hello golden frames byte for byte", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/PROTOCOL.md", import.meta.url));
  const hexPairs = (text: string) => text.trim().split(/\s+/).map((pair) => parseInt(pair, 16));
  const pingLine = doc.match(/^(00 00 00 10 +01 +(?:[0-9a-f]{2} ?)+)$/m)?.[1] ?? "";
  assertEquals(new Uint8Array(hexPairs(pingLine)), await readHexFixture("ping.hex"));
  // The hello dump: "C→S  0000  00 00 ...  ascii" and continuation rows "     0010  ...".
  const rows = [...doc.matchAll(/^(?:C→S)? +[0-9a-f]{4} {2}((?:[0-9a-f]{2} ){0,15}[0-9a-f]{2})/gm)];
  const helloBytes = rows.flatMap((row) => hexPairs(row[1]));
  assertEquals(new Uint8Array(helloBytes), await readHexFixture("hello.hex"));
});

Deno.test("Every golden frame fixture is checked by a test", async () => {
  const files: string[] = [];
  for await (const entry of Deno.readDir(FIXTURES)) {
    if (entry.isFile) files.push(entry.name);
  }
  const covered = [...JSON_FIXTURES, ...CHUNK_FIXTURES].map(({ file }) => file);
  assertEquals(files.sort(), covered.sort());
});
