import { assert, assertEquals } from "@std/assert";
import { FrameBufferPool } from "../../../src/util/mod.ts";
import {
  type WebSocketEvent,
  WebSocketReader,
} from "../../../src/transport/websocket/message_reader.ts";
import { chunkings, concat, piecesSource } from "../../_pieces.ts";
import { clientFrame, clientFrameHeader, closePayload, Op } from "../../_websocket_frames.ts";

const text = (value: string) => new TextEncoder().encode(value);

/** An event as the table states it: payloads as text (or byte counts), failures by code. */
type Seen = string;

function describe(event: WebSocketEvent): Seen {
  switch (event.kind) {
    case "text":
      return `text ${new TextDecoder().decode(event.payload)}`;
    case "binary":
      return `binary ${event.payload.byteLength}:${event.payload.slice(0, 4).join(",")}`;
    case "ping":
    case "pong":
      return `${event.kind} ${new TextDecoder().decode(event.payload)}`;
    case "close":
      return `close ${event.code}`;
    case "end":
      return "end";
    case "failure":
      return `failure ${event.closeCode}${
        event.oversized ? ` (${event.oversized.length} > ${event.oversized.limit})` : ""
      }`;
  }
}

/** The payload of a binary message event; throws on any other event. */
function binary(event: WebSocketEvent): Uint8Array {
  if (event.kind !== "binary") throw new Error(`Expected a binary message, got ${describe(event)}`);
  return event.payload;
}

/** Reads every event up to the end; after a failure, reads on as a closing connection does. */
async function readAll(
  pieces: Uint8Array[],
  options: { maxTextBytes?: number; maxBinaryBytes?: number } = {},
): Promise<Seen[]> {
  const reader = new WebSocketReader(piecesSource(pieces), options);
  const seen: Seen[] = [];
  for (let i = 0; i < 50; i++) {
    const event = await reader.read();
    seen.push(describe(event));
    if (event.kind === "failure") reader.discardData = true;
    if (event.kind === "end") return seen;
  }
  throw new Error(`No end after ${seen.join(", ")}`);
}

const CASES: {
  name: string;
  bytes: Uint8Array;
  limits?: { maxTextBytes?: number; maxBinaryBytes?: number };
  seen: Seen[];
}[] = [
  { name: "a text message", bytes: clientFrame(Op.TEXT, "hello"), seen: ["text hello", "end"] },
  {
    name: "a binary message",
    bytes: clientFrame(Op.BINARY, new Uint8Array([2, 0, 0, 7])),
    seen: ["binary 4:2,0,0,7", "end"],
  },
  {
    name: "a 16-bit length",
    bytes: clientFrame(Op.BINARY, new Uint8Array(300).fill(9)),
    seen: ["binary 300:9,9,9,9", "end"],
  },
  {
    name: "an empty text message",
    bytes: clientFrame(Op.TEXT, ""),
    seen: ["text ", "end"],
  },
  {
    name: "two messages back to back",
    bytes: concat(clientFrame(Op.TEXT, "a"), clientFrame(Op.TEXT, "b")),
    seen: ["text a", "text b", "end"],
  },
  {
    name: "a fragmented text message",
    bytes: concat(
      clientFrame(Op.TEXT, "hel", { fin: false }),
      clientFrame(Op.CONTINUATION, "lo"),
    ),
    seen: ["text hello", "end"],
  },
  {
    name: "a ping between fragments",
    bytes: concat(
      clientFrame(Op.TEXT, "a", { fin: false }),
      clientFrame(Op.PING, "p"),
      clientFrame(Op.CONTINUATION, "b", { fin: false }),
      clientFrame(Op.CONTINUATION, "c"),
    ),
    seen: ["ping p", "text abc", "end"],
  },
  {
    name: "a character split between fragments",
    bytes: concat(
      clientFrame(Op.TEXT, text("€").subarray(0, 1), { fin: false }),
      clientFrame(Op.CONTINUATION, text("€").subarray(1)),
    ),
    seen: ["text €", "end"],
  },
  { name: "a pong", bytes: clientFrame(Op.PONG, "x"), seen: ["pong x", "end"] },
  {
    name: "a close with a code and reason",
    bytes: clientFrame(Op.CLOSE, closePayload(1001, "bye")),
    seen: ["close 1001", "end"],
  },
  {
    name: "a close without a code",
    bytes: clientFrame(Op.CLOSE, ""),
    seen: ["close undefined", "end"],
  },
  {
    name: "a close of one byte",
    bytes: clientFrame(Op.CLOSE, new Uint8Array([3])),
    seen: ["failure 1002", "end"],
  },
  {
    name: "a close code never sent on the wire",
    bytes: clientFrame(Op.CLOSE, closePayload(1005)),
    seen: ["failure 1002", "end"],
  },
  {
    name: "a close reason that is not UTF-8",
    bytes: clientFrame(Op.CLOSE, concat(closePayload(1000), new Uint8Array([0xff]))),
    seen: ["failure 1007", "end"],
  },
  {
    name: "an unmasked frame",
    bytes: clientFrame(Op.TEXT, "hi", { mask: null }),
    seen: ["failure 1002", "end"],
  },
  {
    name: "a reserved bit",
    bytes: clientFrame(Op.TEXT, "hi", { rsv: 4 }),
    seen: ["failure 1002", "end"],
  },
  { name: "an unknown opcode", bytes: clientFrame(3, "hi"), seen: ["failure 1002", "end"] },
  {
    name: "a ping over 125 bytes",
    bytes: clientFrame(Op.PING, new Uint8Array(126)),
    seen: ["failure 1002", "end"],
  },
  {
    name: "a fragmented ping",
    bytes: clientFrame(Op.PING, "p", { fin: false }),
    seen: ["failure 1002", "end"],
  },
  {
    name: "a continuation of nothing",
    bytes: clientFrame(Op.CONTINUATION, "x"),
    seen: ["failure 1002", "end"],
  },
  {
    name: "a new message inside a fragmented one",
    bytes: concat(clientFrame(Op.TEXT, "a", { fin: false }), clientFrame(Op.TEXT, "b")),
    seen: ["failure 1002", "end"],
  },
  {
    name: "text that is not UTF-8",
    bytes: clientFrame(Op.TEXT, new Uint8Array([0x68, 0xc3, 0x28])),
    seen: ["failure 1007", "end"],
  },
  {
    name: "a 64-bit length with its top bit set",
    bytes: (() => {
      const header = clientFrameHeader(Op.BINARY, 70_000);
      header[2] = 0x80;
      return header;
    })(),
    seen: ["failure 1002", "end"],
  },
  {
    name: "a binary message one byte over its limit, and the close behind it",
    bytes: concat(
      clientFrame(Op.BINARY, new Uint8Array(11)),
      clientFrame(Op.CLOSE, closePayload(1000)),
    ),
    limits: { maxBinaryBytes: 10 },
    seen: ["failure 1009 (11 > 10)", "close 1000", "end"],
  },
  {
    name: "a binary message at its limit",
    bytes: clientFrame(Op.BINARY, new Uint8Array(10)),
    limits: { maxBinaryBytes: 10 },
    seen: ["binary 10:0,0,0,0", "end"],
  },
  {
    name: "fragments that add up past the limit",
    bytes: concat(
      clientFrame(Op.BINARY, new Uint8Array(6), { fin: false }),
      clientFrame(Op.CONTINUATION, new Uint8Array(6), { fin: false }),
      clientFrame(Op.CONTINUATION, new Uint8Array(6)),
      clientFrame(Op.CLOSE, ""),
    ),
    limits: { maxBinaryBytes: 10 },
    seen: ["failure 1009 (12 > 10)", "close undefined", "end"],
  },
  {
    name: "text and binary under their own limits",
    bytes: concat(clientFrame(Op.BINARY, new Uint8Array(5)), clientFrame(Op.TEXT, "hello")),
    limits: { maxTextBytes: 4, maxBinaryBytes: 5 },
    seen: ["binary 5:0,0,0,0", "failure 1009 (5 > 4)", "end"],
  },
  {
    name: "a frame cut short",
    bytes: clientFrame(Op.TEXT, "hello").subarray(0, 8),
    seen: ["end"],
  },
  { name: "nothing at all", bytes: new Uint8Array(0), seen: ["end"] },
];

for (const { name, bytes, limits, seen } of CASES) {
  Deno.test(`WebSocketReader.read() takes ${name}, however the bytes arrive`, async () => {
    for (const chunking of chunkings(bytes)) {
      assertEquals(await readAll(chunking.pieces, limits), seen, chunking.name);
    }
  });
}

Deno.test("WebSocketReader.read() refuses an oversized message from its header alone", async () => {
  // Only the header of a 60 MiB message ever arrives: the refusal must not wait for its bytes.
  const reader = new WebSocketReader(
    piecesSource([clientFrameHeader(Op.BINARY, 60 * 1024 * 1024)]),
    {
      maxBinaryBytes: 65_536,
    },
  );
  const event = await reader.read();
  assertEquals(describe(event), "failure 1009 (62914560 > 65536)");
});

Deno.test("WebSocketReader.read() refuses a 2^53-byte announcement as oversized, not as a small length", async () => {
  const reader = new WebSocketReader(piecesSource([clientFrameHeader(Op.BINARY, 2 ** 53 + 2)]), {
    maxBinaryBytes: 1_048_576,
  });
  assertEquals(describe(await reader.read()).slice(0, 12), "failure 1009");
});

Deno.test("WebSocketReader.read() puts binary messages over 64 KiB in buffers a consumer may retain", async () => {
  const payload = Uint8Array.from({ length: 1_048_576 }, (_, i) => (i * 7) & 0xff);
  const small = new Uint8Array(100).fill(3);
  const bytes = concat(
    clientFrame(Op.BINARY, payload),
    clientFrame(Op.BINARY, small),
    clientFrame(Op.BINARY, payload),
  );
  for (const size of [7, 1000, 65_536, bytes.byteLength]) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.byteLength; at += size) pieces.push(bytes.subarray(at, at + size));
    const reader = new WebSocketReader(piecesSource(pieces));
    const first = binary(await reader.read());
    assertEquals(first, payload, `in pieces of ${size}`);
    const release = FrameBufferPool.retain(first);
    assert(release !== undefined, "a large payload is in a pooled buffer");
    assertEquals(binary(await reader.read()), small);
    const third = binary(await reader.read());
    assertEquals(third, payload);
    assert(third.buffer !== first.buffer, "a retained buffer is not reused");
    assertEquals(first, payload, "the retained bytes are intact");
    release!();
  }
});

Deno.test("WebSocketReader.read() assembles large fragmented messages one after the other, as Chromium sends file chunks", async () => {
  // Chromium sends a 256 KiB message as frames of about 128 KiB and a short last one; the
  // buffer one message is assembled in serves the next, which must not see its bytes.
  const message = (seed: number, length: number) =>
    Uint8Array.from({ length }, (_, i) => (i * seed + seed) & 0xff);
  const fragmented = (payload: Uint8Array) =>
    concat(
      clientFrame(Op.BINARY, payload.subarray(0, 131_000), { fin: false }),
      clientFrame(Op.PING, "p"),
      clientFrame(Op.CONTINUATION, payload.subarray(131_000, 262_000), { fin: false }),
      clientFrame(Op.CONTINUATION, payload.subarray(262_000)),
    );
  const messages = [message(13, 262_149), message(7, 262_298), message(3, 200_000)];
  const bytes = concat(...messages.map(fragmented), clientFrame(Op.BINARY, new Uint8Array(100)));
  for (const size of [1000, 65_536, bytes.byteLength]) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.byteLength; at += size) pieces.push(bytes.subarray(at, at + size));
    const reader = new WebSocketReader(piecesSource(pieces), { maxBinaryBytes: 1_048_576 });
    for (const [index, payload] of messages.entries()) {
      assertEquals(describe(await reader.read()), "ping p");
      assertEquals(binary(await reader.read()), payload, `message ${index} in pieces of ${size}`);
    }
    assertEquals(binary(await reader.read()).byteLength, 100);
    assertEquals(describe(await reader.read()), "end");
  }
});

Deno.test("WebSocketReader.read() skips data while discarding, and still sees pings and the close", async () => {
  const bytes = concat(
    clientFrame(Op.BINARY, new Uint8Array(70_000)),
    clientFrame(Op.TEXT, "dropped", { fin: false }),
    clientFrame(Op.PING, "p"),
    clientFrame(Op.CONTINUATION, "too"),
    clientFrame(Op.CLOSE, closePayload(1000)),
  );
  for (const { name, pieces } of chunkings(bytes).filter((_, i) => i % 97 === 0)) {
    const reader = new WebSocketReader(piecesSource(pieces), { maxBinaryBytes: 10 });
    reader.discardData = true;
    const seen = [describe(await reader.read()), describe(await reader.read())];
    assertEquals(seen, ["ping p", "close 1000"], name);
  }
});

Deno.test("WebSocketReader.read() starts with the bytes that came with the handshake", async () => {
  const frames = concat(clientFrame(Op.TEXT, "early"), clientFrame(Op.TEXT, "later"));
  const reader = new WebSocketReader(piecesSource([frames.subarray(9)]), {
    buffered: frames.subarray(0, 9),
  });
  assertEquals(describe(await reader.read()), "text early");
  assertEquals(describe(await reader.read()), "text later");
});

Deno.test("WebSocketReader.read() ends when the source fails", async () => {
  const reader = new WebSocketReader({ read: () => Promise.reject(new Error("reset")) });
  assertEquals(describe(await reader.read()), "end");
});
