import { assertEquals, assertRejects } from "@std/assert";
import { MemoryBlobStore, StorageError } from "../../src/store/mod.ts";
import { randomBytes } from "./_bytes.ts";
import { blobStoreContract } from "./blob_store_contract.ts";

blobStoreContract("MemoryBlobStore", () => {
  let now = 1_700_000_000_000;
  const store = new MemoryBlobStore({ now: () => now });
  return Promise.resolve({
    store,
    // The clock moves on, so everything suspended so far is `ms` older.
    age: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    cleanup: () => Promise.resolve(),
  });
});

Deno.test("MemoryBlobStore: failWritesAfter makes the write past it fail like a full disk", async () => {
  const store = new MemoryBlobStore({ failWritesAfter: 1000 });
  const upload = await store.openUpload("full-disk");
  await upload.write(randomBytes(600));
  await upload.write(randomBytes(400));
  await assertRejects(
    () => upload.write(randomBytes(1)),
    StorageError,
    "The server could not store the file: No space left on device (simulated).",
  );
  await assertRejects(() => upload.write(randomBytes(1)), Error, "already ended");
  await upload.discard();
  const again = await store.openUpload("full-disk");
  assertEquals(again.offset, 0);
  await assertRejects(() => again.write(randomBytes(1)), StorageError);
});
