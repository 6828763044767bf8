import { assert, assertEquals, assertRejects } from "@std/assert";
import { type Peer, Session } from "../../src/chat/mod.ts";
import {
  type ChatEvent,
  CHUNK_BYTES,
  type ClientMessage,
  type ErrorCode,
  errorMessage,
  type FileInfo,
  type Outbound,
  OutboundChunk,
  ProtocolError,
  type ServerMessage,
} from "../../src/protocol/mod.ts";
import { MemoryBlobStore } from "../../src/store/mod.ts";
import { PASSKEY, startChat, type TestChat, type TestChatOptions, TS, type User } from "./_chat.ts";
import { FakePeer } from "./_fake_peer.ts";

type UploadRequest = Extract<ClientMessage, { type: "upload" }>;

/** Bytes that differ from one offset to the next, so a misplaced chunk changes the content. */
function fileBytes(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 8) * 7 + seed * 13) & 0xff;
  return bytes;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function concat(pieces: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(pieces.reduce((total, piece) => total + piece.byteLength, 0));
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return bytes;
}

/** Hands `bytes` to a session as `CHUNK` frames of at most `chunkBytes`. */
async function sendChunks(
  session: Session,
  transfer: number,
  bytes: Uint8Array,
  chunkBytes = 1000,
): Promise<void> {
  for (let start = 0; start < bytes.byteLength; start += chunkBytes) {
    await session.chunk(transfer, bytes.subarray(start, start + chunkBytes));
  }
}

/** Runs `action`, expects a {@linkcode ProtocolError} with `code`, and returns it. */
async function rejection(
  action: () => Promise<unknown>,
  code: ErrorCode,
): Promise<ProtocolError> {
  const error = await assertRejects(action, ProtocolError);
  assertEquals(error.code, code, error.message);
  assertEquals(error.fatal, false);
  return error;
}

/** `message`, checked to be of `type`. */
function expectType<T extends ServerMessage["type"]>(
  message: ServerMessage | undefined,
  type: T,
): Extract<ServerMessage, { type: T }> {
  assertEquals(message?.type, type, `expected ${type}, got ${JSON.stringify(message)}`);
  return message as Extract<ServerMessage, { type: T }>;
}

/** Sends `upload` and returns the `upload_ready` it is answered with. */
async function openUpload(
  user: User,
  fields: Omit<UploadRequest, "type" | "rid">,
): Promise<Extract<ServerMessage, { type: "upload_ready" }>> {
  await user.handle({ type: "upload", rid: "u1", ...fields });
  const replies = user.take();
  assertEquals(replies.map((reply) => reply.type), ["upload_ready"]);
  return replies[0] as Extract<ServerMessage, { type: "upload_ready" }>;
}

/** Uploads `bytes` announcing size and SHA-256; returns the shared file's id and info. */
async function share(
  user: User,
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
): Promise<{ id: number; file: FileInfo }> {
  const sha256 = await sha256Hex(bytes);
  const { transfer } = await openUpload(user, { name, size: bytes.byteLength, sha256 });
  await sendChunks(user.session, transfer, bytes);
  await user.handle({ type: "upload_end", rid: "u2", transfer, sha256 });
  const done = expectType(user.take()[0], "upload_done");
  return { id: done.id, file: done.file };
}

/** Lets background work (a download's sender) run until `done()` holds, for a bounded while. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let tick = 0; tick < 200 && !done(); tick++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert(done(), `gave up waiting for ${what}`);
}

/** Lets background work run for a while, to see that something does not happen. */
async function settle(): Promise<void> {
  for (let tick = 0; tick < 20; tick++) await new Promise((resolve) => setTimeout(resolve, 0));
}

function hasDownloadEnd(peer: FakePeer): boolean {
  return peer.messages.some((message) => message.type === "download_end");
}

/** The bytes of every chunk `peer` received for `transfer`, in order. */
function received(peer: FakePeer, transfer: number): Uint8Array {
  return concat(peer.chunks.filter((chunk) => chunk.transfer === transfer).map((c) => c.data));
}

/** Downloads file `id` from `offset` and returns the messages and bytes received. */
async function download(
  user: User,
  id: number,
  offset?: number,
): Promise<{ messages: ServerMessage[]; bytes: Uint8Array }> {
  user.take();
  user.peer.chunks.splice(0);
  await user.handle({ type: "download", rid: "d1", id, offset });
  await until(() => hasDownloadEnd(user.peer), "download_end");
  const messages = user.take();
  const transfer = messages[0].type === "download_ready" ? messages[0].transfer : -1;
  return { messages, bytes: received(user.peer, transfer) };
}

async function fileList(user: User, room?: string): Promise<unknown[]> {
  await user.handle({ type: "files", rid: "f1", room });
  return expectType(user.take()[0], "file_list").files;
}

/** alice and bob in the lobby, carol in the lab, with nothing received yet. */
async function threeUsers(options: TestChatOptions = {}) {
  const chat = await startChat(options);
  const alice = await chat.connect("alice");
  const bob = await chat.connect("bob");
  const carol = await chat.connect("carol", "lab");
  chat.clear();
  return { chat, alice, bob, carol };
}

/** A session that said `hello` with `presence: false`. */
async function connectFilesOnly(chat: TestChat, nick: string, room?: string): Promise<User> {
  const { peer, session } = chat.open();
  // From the machine of the person using the nick, when someone does.
  const device = chat.deviceOf(nick);
  await session.handle(
    device === undefined
      ? { type: "hello", v: 1, nick, passkey: PASSKEY, room, presence: false }
      : { type: "hello", v: 1, nick, device, room, presence: false },
  );
  return {
    nick,
    peer,
    session,
    handle: (message) => session.handle(message),
    take: () => peer.take(),
  };
}

/** What a connection keeps of a chunk once written: a copy, since the chunk's buffer is reused. */
function written(item: Outbound): Outbound {
  return item instanceof OutboundChunk ? new OutboundChunk(item.transfer, item.data.slice()) : item;
}

/**
 * A peer whose queue stays over a download's high-water mark until {@linkcode drain} is
 * called; what it is sent is recorded by {@linkcode recorder}.
 */
class BackloggedPeer implements Peer {
  readonly recorder = new FakePeer();
  queuedBytes = 4 * 1024 * 1024;
  readonly #drained = Promise.withResolvers<void>();

  send(item: Outbound): void {
    this.recorder.send(written(item));
  }

  post(item: Outbound): void {
    this.recorder.send(item);
  }

  drained(): Promise<void> {
    return this.#drained.promise;
  }

  /** Empties the queue. */
  drain(): void {
    this.queuedBytes = 0;
    this.#drained.resolve();
  }

  close(): void {}
}

Deno.test("Session.handle() takes an upload in chunks, answers upload_done and tells the rest of the room", async () => {
  const { chat, alice, bob, carol } = await threeUsers();
  const bytes = fileBytes(3000);
  const sha256 = await sha256Hex(bytes);

  await alice.handle({ type: "upload", rid: "u1", name: "notes.txt", size: 3000, sha256 });
  assertEquals(alice.take(), [{ type: "upload_ready", rid: "u1", transfer: 1, offset: 0 }]);
  await sendChunks(alice.session, 1, bytes);
  assertEquals(alice.take(), []);
  assertEquals(bob.take(), []);
  await alice.handle({ type: "upload_end", rid: "u2", transfer: 1, sha256 });

  const file = { name: "notes.txt", size: 3000, sha256 };
  assertEquals(alice.take(), [{ type: "upload_done", rid: "u2", transfer: 1, id: 4, file }]);
  assertEquals(bob.take(), [{
    type: "file",
    id: 4,
    ts: TS,
    room: "lobby",
    from: "alice",
    text: "alice shared notes.txt (3 kB)",
    file,
  }]);
  assertEquals(carol.take(), []);
  const stored = await chat.history.file(4);
  assertEquals(stored?.file, { ...file, blob: sha256 });
});

Deno.test("Session.handle() replays a shared file to a later joiner", async () => {
  const { chat, alice } = await threeUsers();
  const { id, file } = await share(alice, "notes.txt", fileBytes(3000));

  const dave = await chat.connect("dave");

  assertEquals(dave.take().filter((message) => message.type === "file"), [{
    type: "file",
    id,
    ts: TS,
    room: "lobby",
    from: "alice",
    text: "alice shared notes.txt (3 kB)",
    file,
    history: true,
  }]);
});

Deno.test("Session.handle() lists files of the rooms a user joined, never of others, oldest first", async () => {
  const { alice, carol } = await threeUsers();
  const notes = await share(alice, "notes.txt", fileBytes(3000));
  const plan = await share(carol, "plan.pdf", fileBytes(500, 2));
  const listing = (from: string, shared: { id: number; file: FileInfo }, room: string) => ({
    id: shared.id,
    ts: TS,
    room,
    from,
    ...shared.file,
  });

  assertEquals(await fileList(alice, "lobby"), [listing("alice", notes, "lobby")]);
  const refused = await rejection(
    () => alice.handle({ type: "files", rid: "f9", room: "lab" }),
    "bad_request",
  );
  assertEquals(
    refused.message,
    "You have not joined lab; only files of rooms you joined are listed.",
  );
  assertEquals(await fileList(alice), [listing("alice", notes, "lobby")]);
  assertEquals(await fileList(carol), [listing("carol", plan, "lab")]);
  await carol.handle({ type: "join", room: "lobby" });
  carol.take();
  assertEquals(await fileList(carol), [
    listing("alice", notes, "lobby"),
    listing("carol", plan, "lab"),
  ]);
});

Deno.test("Session.handle() sends a download as download_ready, the file in chunks, then download_end", async () => {
  const { bob, alice } = await threeUsers();
  const bytes = fileBytes(2 * CHUNK_BYTES + 100);
  const { id, file } = await share(alice, "big.bin", bytes);

  const { messages, bytes: got } = await download(bob, id);

  assertEquals(messages, [
    { type: "download_ready", rid: "d1", transfer: 1, id, file, offset: 0 },
    { type: "download_end", transfer: 1 },
  ]);
  assertEquals(bob.peer.chunks.map((chunk) => chunk.data.byteLength), [
    CHUNK_BYTES,
    CHUNK_BYTES,
    100,
  ]);
  assertEquals(got, bytes);
});

Deno.test("Session.handle() sends only the tail of a file for a download from an offset", async () => {
  const { bob, alice } = await threeUsers();
  const bytes = fileBytes(CHUNK_BYTES + 5000);
  const { id, file } = await share(alice, "big.bin", bytes);

  const tail = await download(bob, id, 70_000);
  assertEquals(tail.messages[0], {
    type: "download_ready",
    rid: "d1",
    transfer: 1,
    id,
    file,
    offset: 70_000,
  });
  assertEquals(tail.bytes, bytes.slice(70_000));

  const none = await download(bob, id, bytes.byteLength);
  assertEquals(none.messages.map((message) => message.type), ["download_ready", "download_end"]);
  assertEquals(none.bytes.byteLength, 0);
});

Deno.test("Session.handle() ends a download of a file whose bytes are gone with download_end and an error", async () => {
  const { chat, alice } = await threeUsers();
  const { id, file } = await share(alice, "notes.txt", fileBytes(3000));
  const emptied = await startChat({ history: chat.history, blobs: new MemoryBlobStore() });
  const bob = await emptied.connect("bob2");

  const { messages, bytes } = await download(bob, id);

  assertEquals(messages, [
    { type: "download_ready", rid: "d1", transfer: 1, id, file, offset: 0 },
    {
      type: "download_end",
      transfer: 1,
      error: `The server could not read the file: blob ${file.sha256} is not stored.`,
    },
  ]);
  assertEquals(bytes.byteLength, 0);
});

Deno.test("Session.handle() answers an upload_end with the wrong sha256 with checksum_mismatch and shares nothing", async () => {
  const { chat, alice, bob } = await threeUsers();
  const bytes = fileBytes(3000);
  const sha256 = await sha256Hex(bytes);
  const wrong = await sha256Hex(fileBytes(3000, 2));
  const { transfer } = await openUpload(alice, { name: "notes.txt", size: 3000 });
  await sendChunks(alice.session, transfer, bytes);
  const before = await chat.history.count();

  const error = await rejection(
    () => alice.handle({ type: "upload_end", rid: "u2", transfer, sha256: wrong }),
    "checksum_mismatch",
  );

  assertEquals(
    error.message,
    `The file's SHA-256 does not match: expected ${wrong}, received ${sha256}. ` +
      "The upload was discarded.",
  );
  assertEquals(alice.take(), []);
  assertEquals(bob.take(), []);
  assertEquals(await chat.history.count(), before);
  assertEquals(await fileList(alice), []);
  // Everything was discarded: the same upload starts again from the beginning.
  assertEquals((await openUpload(alice, { name: "notes.txt", size: 3000, sha256 })).offset, 0);
});

Deno.test("Session.handle() answers an upload_end naming another sha256 than the upload announced with checksum_mismatch", async () => {
  const { chat, alice, bob } = await threeUsers();
  const bytes = fileBytes(3000);
  const sha256 = await sha256Hex(bytes);
  const other = await sha256Hex(fileBytes(3000, 2));
  const { transfer } = await openUpload(alice, { name: "notes.txt", size: 3000, sha256: other });
  await sendChunks(alice.session, transfer, bytes);
  const before = await chat.history.count();

  const error = await rejection(
    () => alice.handle({ type: "upload_end", rid: "u2", transfer, sha256 }),
    "checksum_mismatch",
  );

  assertEquals(
    error.message,
    "The upload_end names another SHA-256 than the upload announced; it was discarded.",
  );
  assertEquals(bob.take(), []);
  assertEquals(await chat.history.count(), before);
  assertEquals(
    (await openUpload(alice, { name: "notes.txt", size: 3000, sha256: other })).offset,
    0,
  );
});

Deno.test("Session.handle() answers an upload_end after fewer bytes than announced with checksum_mismatch", async () => {
  const { chat, alice, bob } = await threeUsers();
  const bytes = fileBytes(3000);
  const sha256 = await sha256Hex(bytes);
  const { transfer } = await openUpload(alice, { name: "notes.txt", size: 3000, sha256 });
  await sendChunks(alice.session, transfer, bytes.subarray(0, 2000));

  const error = await rejection(
    () => alice.handle({ type: "upload_end", rid: "u2", transfer, sha256 }),
    "checksum_mismatch",
  );

  assertEquals(
    error.message,
    "The upload ended after 2000 of the 3000 bytes announced; it was discarded.",
  );
  assertEquals(bob.take(), []);
  assertEquals(await fileList(alice), []);
  assertEquals((await chat.history.page("lobby", { limit: 50 })).map((e) => e.type), [
    "notice",
    "notice",
  ]);
});

Deno.test("Session.chunk() answers a chunk past the announced size with bad_request and drops the upload", async () => {
  const { alice, bob } = await threeUsers();
  const bytes = fileBytes(1500);
  const { transfer } = await openUpload(alice, { name: "notes.txt", size: 1000 });

  const error = await rejection(
    () => sendChunks(alice.session, transfer, bytes, 1500),
    "bad_request",
  );

  assertEquals(
    error.message,
    "The upload is longer than the 1000 bytes announced; it was discarded.",
  );
  await alice.session.chunk(transfer, bytes);
  await rejection(
    () => alice.handle({ type: "upload_end", rid: "u2", transfer, sha256: "0".repeat(64) }),
    "bad_request",
  );
  assertEquals(bob.take(), []);
  assertEquals(await fileList(alice), []);
});

Deno.test("Session.handle() refuses an upload announcing more than maxFileBytes with file_too_large before any chunk", async () => {
  const { alice } = await threeUsers({ maxFileBytes: 1000 });

  const error = await rejection(
    () => alice.handle({ type: "upload", rid: "u1", name: "big.bin", size: 5000 }),
    "file_too_large",
  );

  assertEquals(error.message, "The file is 5 kB; this server accepts files up to 1 kB.");
  assertEquals(alice.take(), []);
  await rejection(() => alice.session.chunk(1, fileBytes(10)), "bad_transfer");
});

Deno.test("Session.handle() says the exact bytes when a file too large rounds to the limit", async () => {
  const { alice } = await threeUsers({ maxFileBytes: 1000 });

  const error = await rejection(
    () => alice.handle({ type: "upload", rid: "u1", name: "big.bin", size: 1001 }),
    "file_too_large",
  );

  assertEquals(
    error.message,
    "The file is 1001 bytes; this server accepts files up to 1000 bytes.",
  );
});

const FILES_AT_THE_LIMIT: { name: string; size?: number }[] = [
  { name: "a file announcing exactly maxFileBytes", size: 2500 },
  { name: "a file of undeclared size reaching exactly maxFileBytes" },
];

for (const { name, size } of FILES_AT_THE_LIMIT) {
  Deno.test(`Session.handle() shares ${name}`, async () => {
    const { alice, bob } = await threeUsers({ maxFileBytes: 2500 });
    const bytes = fileBytes(2500);
    const sha256 = await sha256Hex(bytes);
    const { transfer } = await openUpload(alice, { name: "edge.bin", size });
    await sendChunks(alice.session, transfer, bytes);

    await alice.handle({ type: "upload_end", rid: "u2", transfer, sha256 });

    const done = expectType(alice.take()[0], "upload_done");
    assertEquals(done.file, { name: "edge.bin", size: 2500, sha256 });
    assertEquals((await download(bob, done.id)).bytes, bytes);
  });
}

Deno.test("Session.chunk() fails an upload of undeclared size once it passes maxFileBytes, then ignores it", async () => {
  const { alice, bob } = await threeUsers({ maxFileBytes: 2500 });
  const bytes = fileBytes(5000);
  const { transfer } = await openUpload(alice, { name: "pipe" });
  await sendChunks(alice.session, transfer, bytes.subarray(0, 2000));

  const error = await rejection(
    () => alice.session.chunk(transfer, bytes.subarray(2000, 3000)),
    "file_too_large",
  );

  assertEquals(errorMessage(error, { transfer }), {
    type: "error",
    code: "file_too_large",
    message: "The file is 3 kB; this server accepts files up to 2.5 kB.",
    fatal: false,
    rid: undefined,
    transfer,
  });
  await sendChunks(alice.session, transfer, bytes.subarray(3000));
  assertEquals(alice.take(), []);
  const repeated = await rejection(
    () => alice.handle({ type: "upload_end", rid: "u2", transfer, sha256: "0".repeat(64) }),
    "file_too_large",
  );
  assertEquals(repeated.message, error.message);
  assertEquals(bob.take(), []);
  assertEquals(await fileList(alice), []);
});

Deno.test("Session.chunk() answers a full disk with storage_failed and the other users chat on", async () => {
  const { chat, alice, bob, carol } = await threeUsers({
    blobs: new MemoryBlobStore({ failWritesAfter: 1500 }),
  });
  await carol.handle({ type: "join", room: "lobby" });
  chat.clear();
  const bytes = fileBytes(3000);
  const sha256 = await sha256Hex(bytes);
  const { transfer } = await openUpload(alice, { name: "notes.txt", size: 3000, sha256 });
  await alice.session.chunk(transfer, bytes.subarray(0, 1000));

  const error = await rejection(
    () => alice.session.chunk(transfer, bytes.subarray(1000, 2000)),
    "storage_failed",
  );

  assertEquals(
    error.message,
    "The server could not store the file: No space left on device (simulated).",
  );
  await alice.session.chunk(transfer, bytes.subarray(2000));
  await rejection(
    () => alice.handle({ type: "upload_end", rid: "u2", transfer, sha256 }),
    "storage_failed",
  );
  assertEquals(await fileList(bob), []);
  alice.take();
  bob.take();
  carol.take();
  await bob.handle({ type: "send", rid: "s1", text: "still here?" });
  await carol.handle({ type: "send", rid: "s2", text: "yes" });
  assertEquals(bob.take().map((message) => [message.type, "text" in message && message.text]), [
    ["ack", false],
    ["message", "yes"],
  ]);
  assertEquals(carol.take().map((message) => [message.type, "text" in message && message.text]), [
    ["message", "still here?"],
    ["ack", false],
  ]);
  assertEquals(alice.take().map((message) => message.type), ["message", "message"]);
});

Deno.test("Session.chunk() answers a chunk for a transfer that is not open with bad_transfer", async () => {
  const { alice, bob } = await threeUsers();
  const { transfer } = await openUpload(alice, { name: "notes.txt" });

  const error = await rejection(() => bob.session.chunk(transfer, fileBytes(10)), "bad_transfer");

  assertEquals(error.message, `No upload with transfer id ${transfer} is open.`);
  await rejection(() => alice.session.chunk(transfer + 1, fileBytes(10)), "bad_transfer");
});

Deno.test("Session.handle() answers upload_cancel by dropping the upload and ignoring its chunks in flight", async () => {
  const { alice } = await threeUsers();
  const bytes = fileBytes(3000);
  const sha256 = await sha256Hex(bytes);
  const { transfer } = await openUpload(alice, { name: "notes.txt", size: 3000, sha256 });
  await sendChunks(alice.session, transfer, bytes.subarray(0, 2000));

  await alice.handle({ type: "upload_cancel", transfer });
  await alice.session.chunk(transfer, bytes.subarray(2000));

  assertEquals(alice.take(), []);
  await rejection(
    () => alice.handle({ type: "upload_end", rid: "u9", transfer, sha256 }),
    "bad_transfer",
  );
  await alice.handle({ type: "upload_cancel", transfer: 999 });
  assertEquals(alice.take(), [], "a cancel of a transfer that is not open is ignored");
  assertEquals((await openUpload(alice, { name: "notes.txt", size: 3000, sha256 })).offset, 0);
});

const BAD_SHA256S: { name: string; sha256: string }[] = [
  { name: "upper case", sha256: "AB".repeat(32) },
  { name: "63 digits", sha256: "a".repeat(63) },
  { name: "65 digits", sha256: "a".repeat(65) },
  { name: "a non-hex letter", sha256: "g".repeat(64) },
  { name: "nothing", sha256: "" },
];

for (const { name, sha256 } of BAD_SHA256S) {
  Deno.test(`Session.handle() refuses an upload whose sha256 is ${name} with bad_request`, async () => {
    const { alice } = await threeUsers();
    const error = await rejection(
      () => alice.handle({ type: "upload", rid: "u1", name: "notes.txt", size: 10, sha256 }),
      "bad_request",
    );
    assertEquals(error.message, 'Field "sha256" must be 64 lowercase hex digits.');
    assertEquals(alice.take(), []);
  });
}

const FILE_NAMES: { given: string; kept: string }[] = [
  { given: "../../etc/passwd", kept: "passwd" },
  { given: "..\\..\\windows\\win.ini", kept: "win.ini" },
  { given: "C:\\Users\\ana\\report.pdf", kept: "report.pdf" },
  { given: "notes/..", kept: "file" },
  { given: "../", kept: "file" },
  { given: "red\x1b[31m\x07.txt", kept: "red_[31m_.txt" },
  { given: "two\nlines\r.txt", kept: "two_lines_.txt" },
  { given: "\u202egpj.exe", kept: "_gpj.exe" },
];

for (const { given, kept } of FILE_NAMES) {
  Deno.test(`Session.handle() shares a file named ${JSON.stringify(given)} as ${JSON.stringify(kept)}`, async () => {
    const { alice, bob } = await threeUsers();

    const { file } = await share(alice, given, fileBytes(11));

    assertEquals(file.name, kept);
    const event = bob.take()[0] as Extract<ChatEvent, { type: "file" }>;
    assertEquals(event.type, "file");
    assertEquals(event.file.name, kept);
    assertEquals(event.text, `alice shared ${kept} (11 B)`);
    // deno-lint-ignore no-control-regex
    assert(!/[/\\\x00-\x1f\x7f]/.test(event.text), event.text);
  });
}

Deno.test("Session.disconnect() keeps a partial upload with a sha256 for a new session to resume", async () => {
  const { chat, alice, bob } = await threeUsers();
  const bytes = fileBytes(4000);
  const sha256 = await sha256Hex(bytes);
  const first = await openUpload(alice, { name: "notes.txt", size: 4000, sha256 });
  await sendChunks(alice.session, first.transfer, bytes.subarray(0, 2000));

  await alice.session.disconnect();
  const again = await chat.connect("alice");
  again.take();
  const { transfer, offset } = await openUpload(again, { name: "notes.txt", size: 4000, sha256 });
  assertEquals(offset, 2000);
  await sendChunks(again.session, transfer, bytes.subarray(offset));
  await again.handle({ type: "upload_end", rid: "u2", transfer, sha256 });

  const done = expectType(again.take()[0], "upload_done");
  assertEquals(done.file, { name: "notes.txt", size: 4000, sha256 });
  assertEquals((await download(bob, done.id)).bytes, bytes);
});

Deno.test("Session.disconnect() keeps a partial upload with a resume_key for the same person only", async () => {
  const { chat, alice, bob } = await threeUsers();
  const bytes = fileBytes(4000);
  const sha256 = await sha256Hex(bytes);
  const fields = { name: "big.bin", size: 4000, resume_key: "web-0123456789abcdef" };
  const first = await openUpload(alice, fields);
  await sendChunks(alice.session, first.transfer, bytes.subarray(0, 2500));
  await alice.session.disconnect();

  // Someone else with the same key starts afresh, apart.
  bob.take();
  const other = await openUpload(bob, fields);
  assertEquals(other.offset, 0);
  await bob.handle({ type: "upload_cancel", transfer: other.transfer });

  const again = await chat.connect("alice");
  again.take();
  const { transfer, offset } = await openUpload(again, fields);
  assertEquals(offset, 2500);
  await sendChunks(again.session, transfer, bytes.subarray(offset));
  await again.handle({ type: "upload_end", rid: "u2", transfer, sha256 });
  const done = expectType(again.take()[0], "upload_done");
  assertEquals(done.file, { name: "big.bin", size: 4000, sha256 });
  assertEquals((await download(bob, done.id)).bytes, bytes);
});

Deno.test("Session.handle() refuses a resume_key that is not 8 to 64 of a-z, 0-9 and -", async () => {
  const { alice } = await threeUsers();
  for (const resume_key of ["short", "UPPER-CASE-KEY", "has space in it", "x".repeat(65)]) {
    const error = await rejection(
      () => alice.handle({ type: "upload", rid: "u1", name: "a", size: 10, resume_key }),
      "bad_request",
    );
    assert(error.message.includes("resume_key"), error.message);
  }
});

Deno.test("Session.disconnect() discards a partial upload without a sha256", async () => {
  const { chat, alice } = await threeUsers();
  const bytes = fileBytes(4000);
  const sha256 = await sha256Hex(bytes);
  const first = await openUpload(alice, { name: "notes.txt", size: 4000 });
  await sendChunks(alice.session, first.transfer, bytes.subarray(0, 2000));

  await alice.session.disconnect();
  const again = await chat.connect("alice");
  again.take();

  const pipe = await openUpload(again, { name: "notes.txt", size: 4000 });
  assertEquals(pipe.offset, 0);
  await again.handle({ type: "upload_cancel", transfer: pipe.transfer });
  const { offset } = await openUpload(again, { name: "notes.txt", size: 4000, sha256 });
  assertEquals(offset, 0);
});

Deno.test("Session.handle() answers an upload of a file another session is uploading with upload_busy", async () => {
  const { alice, bob } = await threeUsers();
  const bytes = fileBytes(3000);
  const sha256 = await sha256Hex(bytes);
  const { transfer } = await openUpload(alice, { name: "notes.txt", size: 3000, sha256 });

  const error = await rejection(
    () => bob.handle({ type: "upload", rid: "u1", name: "mine.txt", size: 3000, sha256 }),
    "upload_busy",
  );

  assertEquals(
    error.message,
    "The same file is being uploaded on another connection; try again when it is done.",
  );
  await sendChunks(alice.session, transfer, bytes);
  await alice.handle({ type: "upload_end", rid: "u2", transfer, sha256 });
  bob.take();
  assertEquals((await openUpload(bob, { name: "mine.txt", size: 3000, sha256 })).offset, 0);
});

Deno.test("Session.handle() answers a download of an id that is no file with no_such_file", async () => {
  const { alice, bob } = await threeUsers();
  await bob.handle({ type: "send", rid: "s1", text: "not a file" });
  const ack = expectType(bob.take()[0], "ack");

  for (const id of [999, ack.id, 1, -1, 1.5]) {
    const error = await rejection(
      () => alice.handle({ type: "download", rid: "d1", id }),
      "no_such_file",
    );
    assertEquals(
      error.message,
      `There is no file ${id} in the rooms you have joined; /files lists them.`,
    );
  }
  await settle();
  assertEquals(alice.peer.chunks, []);
});

Deno.test("Session.handle() answers a download from an offset outside the file with bad_request", async () => {
  const { alice, bob } = await threeUsers();
  const { id } = await share(alice, "notes.txt", fileBytes(3000));
  bob.take();

  for (const offset of [3001, -1, 0.5]) {
    const error = await rejection(
      () => bob.handle({ type: "download", rid: "d1", id, offset }),
      "bad_request",
    );
    assertEquals(error.message, `Offset ${offset} is outside file ${id}, which has 3000 bytes.`);
  }
  await settle();
  assertEquals(bob.take(), []);
  assertEquals(bob.peer.chunks, []);
});

const CANCELLED_DOWNLOADS: { when: string; chunks: number }[] = [
  { when: "with chunks still to send", chunks: 3 },
  { when: "after its last chunk", chunks: 1 },
];

for (const { when, chunks } of CANCELLED_DOWNLOADS) {
  Deno.test(`Session.handle() sends no more of a download cancelled ${when}, then download_end cancelled`, async () => {
    const { chat, alice } = await threeUsers();
    const { id } = await share(alice, "big.bin", fileBytes(chunks * CHUNK_BYTES));
    const peer = new BackloggedPeer();
    const session = new Session(chat.hub, peer, "192.0.2.9:1");
    await session.handle({ type: "hello", v: 1, nick: "erin", passkey: PASSKEY, presence: false });
    await session.handle({ type: "download", rid: "d1", id });
    await until(() => peer.recorder.chunks.length === 1, "the first chunk");

    await session.handle({ type: "download_cancel", transfer: 1 });
    peer.drain();
    await settle();

    assertEquals(peer.recorder.chunks.length, 1);
    assertEquals(peer.recorder.types(), ["welcome", "download_ready", "download_end"]);
    assertEquals(peer.recorder.messages.at(-1), {
      type: "download_end",
      transfer: 1,
      cancelled: true,
    });
  });
}

Deno.test("Session.handle() sends a download only as fast as the peer drains", async () => {
  const { chat, alice } = await threeUsers();
  const bytes = fileBytes(3 * CHUNK_BYTES);
  const { id } = await share(alice, "big.bin", bytes);
  const peer = new BackloggedPeer();
  const session = new Session(chat.hub, peer, "192.0.2.9:1");
  await session.handle({ type: "hello", v: 1, nick: "erin", passkey: PASSKEY, presence: false });
  await session.handle({ type: "download", rid: "d1", id });
  await until(() => peer.recorder.chunks.length === 1, "the first chunk");
  await settle();
  assertEquals(peer.recorder.chunks.length, 1);

  peer.drain();
  await until(() => hasDownloadEnd(peer.recorder), "download_end");

  assertEquals(received(peer.recorder, 1), bytes);
});

/**
 * A peer that writes what it is sent one turn of the event loop later, as a connection does,
 * and checks meanwhile that the bytes queued did not change before they were written.
 */
class WritingPeer implements Peer {
  readonly recorder = new FakePeer();
  /** The chunks sent: what the peer holds, and a copy of what it held when it was sent. */
  readonly buffers: Uint8Array[] = [];
  #queue: { item: Outbound; copy?: Uint8Array }[] = [];
  #waiters: (() => void)[] = [];
  changedWhileQueued = 0;

  get queuedBytes(): number {
    return this.#queue.reduce((total, { item }) => total + item.frame.byteLength, 0);
  }

  send(item: Outbound): void {
    if (item instanceof OutboundChunk) this.buffers.push(item.data);
    this.#queue.push({ item, copy: item instanceof OutboundChunk ? item.data.slice() : undefined });
    if (this.#queue.length === 1) setTimeout(() => this.#write());
  }

  post(item: Outbound): void {
    this.send(item);
  }

  drained(): Promise<void> {
    if (this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {}

  #write(): void {
    for (const { item, copy } of this.#queue.splice(0)) {
      if (item instanceof OutboundChunk) {
        if (!equalBytes(item.data, copy!)) this.changedWhileQueued++;
        this.recorder.send(new OutboundChunk(item.transfer, copy!));
      } else {
        this.recorder.send(item);
      }
    }
    for (const wake of this.#waiters.splice(0)) wake();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}

Deno.test("Session.handle() reads a download into the buffer of a chunk only once it was written", async () => {
  const { chat, alice } = await threeUsers();
  const bytes = fileBytes(5 * CHUNK_BYTES + 10);
  const { id } = await share(alice, "big.bin", bytes);
  const peer = new WritingPeer();
  const session = new Session(chat.hub, peer, "192.0.2.9:1");
  await session.handle({ type: "hello", v: 1, nick: "erin", passkey: PASSKEY, presence: false });
  await session.handle({ type: "download", rid: "d1", id });
  await until(() => hasDownloadEnd(peer.recorder), "download_end");

  assertEquals(received(peer.recorder, 1), bytes);
  assertEquals(peer.changedWhileQueued, 0);
  // Two buffers take turns, the last (short) chunk in one of them.
  assertEquals(new Set(peer.buffers.map((data) => data.buffer)).size, 2);
});

Deno.test("Session.handle() of a presence: false hello tells nobody and claims no nick", async () => {
  const { chat, alice } = await threeUsers();
  const before = await chat.history.count();

  const files = await connectFilesOnly(chat, "erin");

  assertEquals(files.take().map((message) => message.type), ["welcome"]);
  assertEquals(alice.take(), []);
  assertEquals(await chat.history.count(), before);
  await alice.handle({ type: "who", rid: "w1" });
  assertEquals(alice.take(), [{
    type: "users",
    room: "lobby",
    users: ["alice", "bob"],
    rid: "w1",
  }]);
  const erin = await chat.connect("erin");
  assertEquals(erin.take()[0].type, "welcome");
  alice.take();

  await files.session.disconnect();

  assertEquals(alice.take(), []);
  assertEquals(await chat.history.count(), before + 1);
  assertEquals(chat.hub.findNick("erin"), erin.session);
});

Deno.test("Session.handle() takes a presence: false hello with the nick of a connected user", async () => {
  const { chat, alice, bob } = await threeUsers();

  const files = await connectFilesOnly(chat, "bob");

  assertEquals(files.take().map((message) => message.type), ["welcome"]);
  assertEquals(alice.take(), []);
  assertEquals(chat.hub.findNick("bob"), bob.session);
});

Deno.test("Session.handle() shares an upload of a presence: false session in its hello's room under its nick", async () => {
  const { chat, bob, carol } = await threeUsers();
  const files = await connectFilesOnly(chat, "erin", "lab");
  files.take();

  const { id, file } = await share(files, "notes.txt", fileBytes(3000));

  const event = {
    type: "file",
    id,
    ts: TS,
    room: "lab",
    from: "erin",
    text: "erin shared notes.txt (3 kB)",
    file,
  };
  assertEquals(carol.take(), [event]);
  assertEquals(bob.take(), []);
  assertEquals(await fileList(files, "lab"), [{ id, ts: TS, room: "lab", from: "erin", ...file }]);
});

const PRESENCE_ONLY: ClientMessage[] = [
  { type: "send", rid: "s1", text: "hi" },
  { type: "private", rid: "p1", to: "alice", text: "hi" },
  { type: "join", room: "lab" },
  { type: "nick", nick: "zed" },
  { type: "history" },
];

for (const request of PRESENCE_ONLY) {
  Deno.test(`Session.handle() answers ${request.type} from a presence: false session with bad_request`, async () => {
    const { chat, alice } = await threeUsers();
    const files = await connectFilesOnly(chat, "erin");
    files.take();

    const error = await rejection(() => files.handle(request), "bad_request");

    assertEquals(
      error.message,
      `"${request.type}" needs a connection that joined with presence; this one is for files only.`,
    );
    assertEquals(alice.take(), []);
    assertEquals(files.take(), []);
  });
}
