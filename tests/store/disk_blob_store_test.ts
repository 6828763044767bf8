import { assert, assertEquals, assertRejects } from "@std/assert";
import { join } from "@std/path";
import { createHash } from "node:crypto";
import { FrameBufferPool } from "../../src/util/mod.ts";
import { ChecksumError, DiskBlobStore, StorageError } from "../../src/store/mod.ts";
import { randomBytes, sha256Hex } from "./_bytes.ts";
import { blobStoreContract } from "./blob_store_contract.ts";

blobStoreContract("DiskBlobStore", async () => {
  const dir = await Deno.makeTempDir({ prefix: "chat_blobs_test_" });
  return {
    store: await DiskBlobStore.open(dir),
    age: (ms) => backdatePartials(dir, ms),
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
});

/** Runs `fn` with a store in a fresh directory, removed afterwards. */
async function withStore(fn: (store: DiskBlobStore, dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "chat_blobs_test_" });
  try {
    await fn(await DiskBlobStore.open(dir), dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Sets the modification time of every partial file `ms` into its past. */
async function backdatePartials(dir: string, ms: number): Promise<void> {
  for await (const entry of Deno.readDir(join(dir, "partial"))) {
    const path = join(dir, "partial", entry.name);
    const { atime, mtime } = await Deno.lstat(path);
    await Deno.utime(path, atime ?? new Date(), new Date(mtime!.getTime() - ms));
  }
}

async function names(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) found.push(entry.name);
  return found.sort();
}

Deno.test({
  name: "DiskBlobStore: open() creates blobs/ and partial/ for the owner only",
  ignore: Deno.build.os === "windows",
  fn: () =>
    withStore(async (_store, dir) => {
      for (const folder of ["blobs", "partial"]) {
        const { isDirectory, mode } = await Deno.stat(join(dir, folder));
        assertEquals([isDirectory, mode! & 0o777], [true, 0o700]);
      }
    }),
});

Deno.test("DiskBlobStore: blobs are named by SHA-256 and uploads live in partial/", () =>
  withStore(async (store, dir) => {
    const bytes = randomBytes(1000);
    const sha256 = await sha256Hex(bytes);
    const kept = await store.openUpload("kept");
    await kept.write(bytes.subarray(0, 10));
    await kept.suspend();
    for (const key of [undefined, "second-copy"]) {
      const upload = await store.openUpload(key);
      await upload.write(bytes);
      assertEquals((await names(join(dir, "partial"))).length, 2);
      await upload.commit(sha256);
    }
    assertEquals(await names(join(dir, "blobs")), [sha256]);
    assertEquals(await names(join(dir, "partial")), ["kept.part"]);
    assertEquals(await Deno.readFile(join(dir, "blobs", sha256)), bytes);
  }));

Deno.test("DiskBlobStore: a new store resumes a partial file left by an earlier process", () =>
  withStore(async (_store, dir) => {
    const bytes = randomBytes(200_000);
    await Deno.writeFile(join(dir, "partial", "left-behind.part"), bytes.subarray(0, 150_000));
    const store = await DiskBlobStore.open(dir);
    const upload = await store.openUpload("left-behind");
    assertEquals(upload.offset, 150_000);
    await upload.write(bytes.subarray(150_000));
    assertEquals(await upload.commit(await sha256Hex(bytes)), await sha256Hex(bytes));
  }));

Deno.test("DiskBlobStore: commit() of a partial deleted from under it rejects with StorageError", () =>
  withStore(async (store, dir) => {
    const bytes = randomBytes(100);
    const upload = await store.openUpload("deleted");
    await upload.write(bytes.subarray(0, 50));
    await Deno.remove(join(dir, "partial", "deleted.part"));
    // The open file outlives its name, so the write still succeeds; the rename cannot.
    await upload.write(bytes.subarray(50));
    const sha256 = await sha256Hex(bytes);
    await assertRejects(
      () => upload.commit(sha256),
      StorageError,
      "could not store",
    );
    assertEquals(await names(join(dir, "blobs")), []);
    const again = await store.openUpload("deleted");
    assertEquals(again.offset, 0);
    await again.discard();
  }));

// Memory stays flat: 256 MiB pass through an upload and back out of read() while the resident
// set grows by far less. A store that buffered the file would grow by at least 256 MiB; the
// bound is half that, since the resident set is the whole process's, with whatever the test
// files before this one left for the collector (up to 72 MiB seen in a full run).
Deno.test("DiskBlobStore: a 256 MiB upload and download keep memory flat", () =>
  withStore(async (store) => {
    const piece = randomBytes(64 * 1024);
    const pieces = 4096;
    const hash = createHash("sha256");
    for (let i = 0; i < pieces; i++) hash.update(piece);
    const sha256 = hash.digest("hex");
    const before = Deno.memoryUsage().rss;
    const upload = await store.openUpload();
    for (let i = 0; i < pieces; i++) await upload.write(piece);
    const blob = await upload.commit(sha256);
    let read = 0;
    for await (const chunk of store.read(blob, { offset: 0, chunkBytes: 64 * 1024 })) {
      read += chunk.length;
    }
    const grown = Deno.memoryUsage().rss - before;
    assertEquals(read, piece.length * pieces);
    assert(grown < 128 * 1024 * 1024, `the resident set grew by ${grown} bytes`);
  }));

for (const expectedBytes of [undefined, 100, 5_000_000]) {
  Deno.test(`DiskBlobStore: an upload announced as ${expectedBytes ?? "unknown"} bytes resumes and verifies its SHA-256`, () =>
    withStore(async (store, dir) => {
      const bytes = randomBytes(5_000_000);
      const sha256 = await sha256Hex(bytes);
      const first = await store.openUpload("big", { expectedBytes });
      for (let at = 0; at < 3_000_000; at += 1_000_000) {
        await first.write(bytes.subarray(at, at + 1_000_000));
      }
      await first.suspend();
      const again = await store.openUpload("big", { expectedBytes });
      assertEquals(again.offset, 3_000_000);
      await again.write(bytes.subarray(3_000_000));
      assertEquals(await again.commit(sha256), sha256);
      assertEquals(await Deno.readFile(join(dir, "blobs", sha256)), bytes);

      const wrong = await store.openUpload(undefined, { expectedBytes });
      await wrong.write(bytes);
      await assertRejects(() => wrong.commit("0".repeat(64)), ChecksumError);
      assertEquals(await names(join(dir, "partial")), []);
    }));
}

// Announced small, the upload is hashed on this thread: only the disk writes hold the chunks.
for (const expectedBytes of [undefined, 1000]) {
  Deno.test(`DiskBlobStore: an upload announced as ${expectedBytes ?? "unknown"} bytes keeps pooled chunks until written and hashed, then frees them`, () =>
    withStore(async (store, dir) => {
      const pool = new FrameBufferPool();
      const bytes = randomBytes(30 * 1024 * 1024 + 777);
      const sha256 = await sha256Hex(bytes);
      const upload = await store.openUpload("pooled", { expectedBytes });
      const seen = new Set<ArrayBufferLike>();
      const chunk = 1024 * 1024 - 4096;
      for (let at = 0; at < bytes.byteLength; at += chunk) {
        const piece = bytes.subarray(at, at + chunk);
        const buffer = pool.acquire(piece.byteLength);
        buffer.set(piece);
        await upload.write(buffer.subarray(0, piece.byteLength));
        // As a connection does when it reads the next frame: the upload must hold the buffer
        // until its bytes are on disk and hashed.
        pool.release(buffer);
        seen.add(buffer.buffer);
      }
      assertEquals(upload.size, bytes.byteLength);
      assertEquals(await upload.commit(sha256), sha256);
      assertEquals(await Deno.readFile(join(dir, "blobs", sha256)), bytes);
      assert(seen.size < 20, `${seen.size} buffers for 31 chunks`);
      // Every buffer is free again.
      const held = [...seen].filter((buffer) =>
        FrameBufferPool.retain(new Uint8Array(buffer as SharedArrayBuffer)) !== undefined
      );
      assertEquals(held, []);
    }));
}

Deno.test("DiskBlobStore: a suspended upload of pooled chunks resumes after every byte written", () =>
  withStore(async (store) => {
    const pool = new FrameBufferPool();
    const bytes = randomBytes(6 * 1024 * 1024);
    const first = await store.openUpload("resumed", { expectedBytes: bytes.byteLength });
    for (let at = 0; at < 4 * 1024 * 1024; at += 1024 * 1024) {
      const buffer = pool.acquire(1024 * 1024);
      buffer.set(bytes.subarray(at, at + 1024 * 1024));
      await first.write(buffer);
      pool.release(buffer);
    }
    await first.suspend();
    const again = await store.openUpload("resumed", { expectedBytes: bytes.byteLength });
    assertEquals(again.offset, 4 * 1024 * 1024);
    await again.write(bytes.subarray(4 * 1024 * 1024));
    assertEquals(await again.commit(await sha256Hex(bytes)), await sha256Hex(bytes));
  }));
