import { assertEquals, assertRejects } from "@std/assert";
import { deleteOlderThan, wipeHistory } from "../../src/chat/mod.ts";
import {
  type BlobStore,
  MemoryBlobStore,
  MemoryHistoryStore,
  MemoryReadMarkerStore,
  MemorySessionStore,
  StorageError,
} from "../../src/store/mod.ts";
import { ManualClock } from "../_manual_clock.ts";

const DAY = 86_400_000;

async function share(blobs: BlobStore, text: string): Promise<{ blob: string; size: number }> {
  const bytes = new TextEncoder().encode(text);
  const sha256 = Array.from(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
  const upload = await blobs.openUpload();
  await upload.write(bytes);
  return { blob: await upload.commit(sha256), size: bytes.length };
}

async function readAll(blobs: BlobStore, blob: string): Promise<string> {
  const chunks = await Array.fromAsync(blobs.read(blob, { offset: 0, chunkBytes: 1024 }));
  return chunks.map((chunk) => new TextDecoder().decode(chunk)).join("");
}

Deno.test("deleteOlderThan() deletes old events and the bytes only they offered, as the clock moves", async () => {
  const clock = new ManualClock();
  const history = new MemoryHistoryStore();
  const blobs = new MemoryBlobStore();
  const old = await share(blobs, "old file");
  const both = await share(blobs, "shared twice");
  const file = (name: string, { blob, size }: { blob: string; size: number }) => ({
    type: "file" as const,
    room: "lobby",
    from: "ada",
    text: "",
    ts: clock.now(),
    file: { name, size, sha256: blob, blob },
  });
  await history.append({ type: "message", room: "lobby", from: "ada", text: "a", ts: clock.now() });
  await history.append(file("old.txt", old));
  await history.append(file("twice.txt", both));
  clock.advance(20 * DAY);
  await history.append(file("twice again.txt", both));
  await history.append({ type: "message", room: "lobby", from: "bob", text: "b", ts: clock.now() });

  clock.advance(15 * DAY);
  const stores = { history, blobs };
  assertEquals(await deleteOlderThan(stores, clock.now() - 30 * DAY), { events: 3, files: 1 });
  await assertRejects(() => readAll(blobs, old.blob), StorageError);
  assertEquals(await readAll(blobs, both.blob), "shared twice");
  assertEquals(await deleteOlderThan(stores, clock.now() - 30 * DAY), { events: 0, files: 0 });

  clock.advance(20 * DAY);
  assertEquals(await deleteOlderThan(stores, clock.now() - 30 * DAY), { events: 2, files: 1 });
  await assertRejects(() => readAll(blobs, both.blob), StorageError);
  assertEquals(await history.count(), 0);
});

Deno.test("wipeHistory() empties events, files, read markers and sessions", async () => {
  const history = new MemoryHistoryStore();
  const blobs = new MemoryBlobStore();
  const readMarkers = new MemoryReadMarkerStore();
  const sessions = new MemorySessionStore();
  const { blob, size } = await share(blobs, "bytes");
  await history.append({
    type: "file",
    room: "lobby",
    from: "ada",
    text: "",
    ts: 1,
    file: { name: "f", size, sha256: blob, blob },
  });
  await share(blobs, "a file no event offers");
  await readMarkers.mark("o1", "#lobby", 1);
  await sessions.create("h1", { id: "s1", nick: "ada", owner: "o1", since: 0, expires: null });
  assertEquals(await wipeHistory({ history, blobs, readMarkers, sessions }), {
    events: 1,
    files: 2,
  });
  assertEquals(await history.count(), 0);
  assertEquals(await readMarkers.markers("o1"), new Map());
  assertEquals(await sessions.find("h1", 0), undefined);
});
