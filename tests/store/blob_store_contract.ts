import { assert, assertEquals, assertRejects } from "@std/assert";
import {
  BlobBusyError,
  type BlobStore,
  ChecksumError,
  StorageError,
  type UploadSink,
} from "../../src/store/mod.ts";
import { concat, randomBytes, randomPieces, seededRandom, sha256Hex } from "./_bytes.ts";
import { contractTest } from "./_contract.ts";

/** A fresh, empty blob store, a way to age what it holds, and the function that disposes of it. */
export interface BlobStoreFixture {
  store: BlobStore;
  /** Makes every upload suspended so far look `ms` older to `sweep()`. */
  age(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

const MINUTE = 60_000;
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * Registers the tests that every {@linkcode BlobStore} must pass, each named
 * `${name}: <sentence>`. `make` is called once per test for an empty store.
 *
 * @example Run the suite against the memory store
 * ```ts ignore
 * blobStoreContract("MemoryBlobStore", () => {
 *   const store = new MemoryBlobStore();
 *   return Promise.resolve({ store, age: () => Promise.resolve(), cleanup: () => Promise.resolve() });
 * });
 * ```
 */
export function blobStoreContract(name: string, make: () => Promise<BlobStoreFixture>): void {
  const test = contractTest(name, make, (fixture) => fixture);

  for (const size of [0, 1, 64 * 1024 + 1, 3 * 1024 * 1024]) {
    test(`a committed upload of ${size} bytes in random pieces reads back byte for byte`, async ({ store }) => {
      const bytes = randomBytes(size);
      const upload = await store.openUpload();
      assertEquals([upload.offset, upload.size], [0, 0]);
      for (const piece of randomPieces(bytes, 200_000, seededRandom(size))) {
        await upload.write(piece);
      }
      assertEquals(upload.size, size);
      const sha256 = await sha256Hex(bytes);
      assertEquals(await upload.commit(sha256), sha256);
      for (const offset of [0, Math.floor(size / 2), size]) {
        for (const chunkBytes of size < 100 ? [1, 7] : [1000, 64 * 1024, 5_000_000]) {
          const chunks = await Array.fromAsync(store.read(sha256, { offset, chunkBytes }));
          assertEquals(concat(chunks), bytes.slice(offset), `offset ${offset}, ${chunkBytes}`);
          assert(chunks.every((chunk) => chunk.length > 0 && chunk.length <= chunkBytes));
          assertEquals(new Set(chunks.map((chunk) => chunk.buffer)).size, chunks.length);
        }
      }
    });
  }

  test("read() yields nothing from an offset past the end", async ({ store }) => {
    const blob = await commitBytes(store, randomBytes(10));
    assertEquals(await Array.fromAsync(store.read(blob, { offset: 11, chunkBytes: 4 })), []);
  });

  test("read() can be stopped after the first chunk and started again", async ({ store }) => {
    const bytes = randomBytes(100_000);
    const blob = await commitBytes(store, bytes);
    for await (const chunk of store.read(blob, { offset: 0, chunkBytes: 1000 })) {
      assertEquals(chunk, bytes.slice(0, 1000));
      chunk.fill(0);
      break;
    }
    const again = await Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 1000 }));
    assertEquals(concat(again), bytes);
  });

  test("concurrent writes are stored in call order", async ({ store }) => {
    const pieces = [randomBytes(70_000), randomBytes(1), randomBytes(5000)];
    const upload = await store.openUpload();
    await Promise.all(pieces.map((piece) => upload.write(piece)));
    const whole = concat(pieces);
    const blob = await upload.commit(await sha256Hex(whole));
    assertEquals(
      concat(await Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 9999 }))),
      whole,
    );
  });

  test("write() keeps the bytes, not the caller's buffer", async ({ store }) => {
    const upload = await store.openUpload();
    const buffer = randomBytes(1000);
    const kept = buffer.slice();
    await upload.write(buffer);
    buffer.fill(0);
    const blob = await upload.commit(await sha256Hex(kept));
    assertEquals(
      concat(await Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 1000 }))),
      kept,
    );
  });

  test("commit() with a wrong SHA-256 rejects with ChecksumError and keeps nothing", async ({ store }) => {
    const bytes = randomBytes(1000);
    const actual = await sha256Hex(bytes);
    const upload = await store.openUpload("wrong-sum");
    await upload.write(bytes);
    await assertRejects(
      () => upload.commit(EMPTY_SHA256),
      ChecksumError,
      `The file's SHA-256 does not match: expected ${EMPTY_SHA256}, received ${actual}.`,
    );
    for (const blob of [actual, EMPTY_SHA256]) {
      await assertRejects(
        () => Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 10 })),
        StorageError,
        "not stored",
      );
    }
    await assertRejects(() => upload.write(bytes), Error, "already ended");
    await upload.discard();
    assertEquals(await heldBytes(store, "wrong-sum"), 0);
  });

  test("a suspended upload resumes at its offset and commit() checks the whole file", async ({ store }) => {
    const bytes = randomBytes(300_000);
    const first = await store.openUpload("resume-me");
    await first.write(bytes.slice(0, 100_000));
    await first.write(bytes.slice(100_000, 120_001));
    await first.suspend();
    const second = await store.openUpload("resume-me");
    assertEquals([second.offset, second.size], [120_001, 120_001]);
    await second.suspend();
    const third = await store.openUpload("resume-me");
    assertEquals(third.offset, 120_001);
    for (const piece of randomPieces(bytes.slice(120_001), 50_000, seededRandom(7))) {
      await third.write(piece);
    }
    assertEquals(third.size, bytes.length);
    const blob = await third.commit(await sha256Hex(bytes));
    assertEquals(
      concat(await Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 65536 }))),
      bytes,
    );
    assertEquals(await heldBytes(store, "resume-me"), 0);
  });

  test("openUpload() rejects a key in use with BlobBusyError until its upload ends", async ({ store }) => {
    const results = await Promise.allSettled([store.openUpload("k"), store.openUpload("k")]);
    assertEquals(results.map((result) => result.status), ["fulfilled", "rejected"]);
    const holder = (results[0] as PromiseFulfilledResult<UploadSink>).value;
    await assertRejects(() => store.openUpload("k"), BlobBusyError, 'resume key "k"');
    const other = await store.openUpload("other-key");
    await holder.write(randomBytes(5));
    await holder.suspend();
    const resumed = await store.openUpload("k");
    assertEquals(resumed.offset, 5);
    await resumed.discard();
    await other.discard();
    assertEquals(await heldBytes(store, "k"), 0);
  });

  test("openUpload() rejects keys other than 1 to 128 lowercase letters, digits and -", async ({ store }) => {
    for (
      const key of [
        "",
        "../x",
        "..",
        "a/b",
        "a\\b",
        "A",
        "a_b",
        "a.part",
        "é",
        "a\u0000",
        "x".repeat(129),
      ]
    ) {
      await assertRejects(
        () => store.openUpload(key),
        TypeError,
        "Resume key",
        JSON.stringify(key),
      );
    }
    const longest = await store.openUpload(`${"0123456789abcdef".repeat(8)}`);
    await longest.discard();
  });

  test("read() rejects blob keys other than a lowercase SHA-256 and bad options", async ({ store }) => {
    for (
      const blob of [
        "../partial/x",
        "../../etc/passwd",
        "",
        "A".repeat(64),
        "a".repeat(63),
        "a".repeat(65),
      ]
    ) {
      await assertRejects(
        () => Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 1 })),
        TypeError,
        "Blob key",
      );
    }
    const blob = await commitBytes(store, randomBytes(3));
    for (const [offset, chunkBytes] of [[-1, 1], [0.5, 1], [0, 0], [0, 1.5], [0, NaN]]) {
      await assertRejects(
        () => Array.fromAsync(store.read(blob, { offset, chunkBytes })),
        RangeError,
      );
    }
  });

  test("read() of a blob that is not stored rejects with StorageError", async ({ store }) => {
    await assertRejects(
      () => Array.fromAsync(store.read("0".repeat(64), { offset: 0, chunkBytes: 1 })),
      StorageError,
      `The server could not read the file: blob ${"0".repeat(64)} is not stored.`,
    );
  });

  test("identical content committed twice is stored once under its SHA-256", async ({ store }) => {
    const bytes = randomBytes(2000);
    const first = await commitBytes(store, bytes);
    const second = await commitBytes(store, bytes, "same-again");
    assertEquals([first, second], [await sha256Hex(bytes), first]);
    assertEquals(
      concat(await Array.fromAsync(store.read(first, { offset: 0, chunkBytes: 500 }))),
      bytes,
    );
  });

  test("sweep() deletes only suspended uploads older than the age", async ({ store, age }) => {
    const old = await store.openUpload("old");
    await old.write(randomBytes(10));
    await old.suspend();
    const open = await store.openUpload("open");
    await open.write(randomBytes(20));
    await age(10 * MINUTE);
    const fresh = await store.openUpload("fresh");
    await fresh.write(randomBytes(30));
    await fresh.suspend();
    assertEquals(await store.sweep(5 * MINUTE), 1);
    assertEquals(await store.sweep(5 * MINUTE), 0);
    const [oldAgain, freshAgain] = [await store.openUpload("old"), await store.openUpload("fresh")];
    assertEquals([oldAgain.offset, freshAgain.offset, open.size], [0, 30, 20]);
    await Promise.all([oldAgain.discard(), freshAgain.discard(), open.discard()]);
    await assertRejects(() => store.sweep(-1), RangeError);
  });

  test("suspend() deletes an upload without a resume key, which could never resume", async ({ store, age }) => {
    const upload = await store.openUpload();
    await upload.write(randomBytes(10));
    await upload.suspend();
    await age(10 * MINUTE);
    assertEquals(await store.sweep(0), 0);
  });

  test("delete() deletes a committed blob, and says false when there was none", async ({ store }) => {
    const kept = await commitBytes(store, randomBytes(10));
    const blob = await commitBytes(store, randomBytes(20));
    assertEquals(await store.delete(blob), true);
    await assertRejects(
      () => Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 4 })),
      StorageError,
    );
    assertEquals(await store.delete(blob), false);
    assertEquals(
      (await Array.fromAsync(store.read(kept, { offset: 0, chunkBytes: 64 })))[0].length,
      10,
    );
    await assertRejects(() => store.delete("../x"), TypeError);
  });

  test("wipe() deletes every blob and suspended upload, but not an open upload", async ({ store }) => {
    const blob = await commitBytes(store, randomBytes(10));
    const suspended = await store.openUpload("suspended-one");
    await suspended.write(randomBytes(5));
    await suspended.suspend();
    const open = await store.openUpload("open-one");
    await open.write(randomBytes(7));
    assertEquals(await store.wipe(), 2);
    await assertRejects(
      () => Array.fromAsync(store.read(blob, { offset: 0, chunkBytes: 4 })),
      StorageError,
    );
    assertEquals(await heldBytes(store, "suspended-one"), 0);
    assertEquals(open.size, 7);
    await open.suspend();
    assertEquals(await heldBytes(store, "open-one"), 7);
  });

  test("calls after the end of an upload reject or do nothing", async ({ store }) => {
    const upload = await store.openUpload("ended");
    await upload.commit(EMPTY_SHA256);
    await assertRejects(() => upload.write(randomBytes(1)), Error, "already ended");
    await assertRejects(() => upload.commit(EMPTY_SHA256), Error, "already ended");
    await upload.suspend();
    await upload.discard();
    assertEquals(await Array.fromAsync(store.read(EMPTY_SHA256, { offset: 0, chunkBytes: 1 })), []);
    assertEquals(await heldBytes(store, "ended"), 0);
  });
}

/** Stores `bytes` through one upload; resolves with the blob key. */
async function commitBytes(
  store: BlobStore,
  bytes: Uint8Array<ArrayBuffer>,
  key?: string,
): Promise<string> {
  const upload = await store.openUpload(key);
  await upload.write(bytes);
  return await upload.commit(await sha256Hex(bytes));
}

/** How many bytes an upload opened with `key` would resume after; suspends it again. */
async function heldBytes(store: BlobStore, key: string): Promise<number> {
  const upload = await store.openUpload(key);
  await upload.suspend();
  return upload.offset;
}
