import { assert, assertEquals, assertNotStrictEquals, assertRejects } from "@std/assert";
import { FrameBufferPool } from "../../src/protocol/mod.ts";
import { DiskUpload } from "../../src/store/_disk_upload.ts";
import { incrementalSha256 } from "../../src/store/incremental_sha256.ts";
import { StorageError } from "../../src/store/mod.ts";

/** A file whose writes finish only when the test says so; it records what each one wrote. */
class SlowFile {
  readonly writes: { bytes: Uint8Array; done: PromiseWithResolvers<number> }[] = [];

  write(data: Uint8Array): Promise<number> {
    const done = Promise.withResolvers<number>();
    this.writes.push({ bytes: data, done });
    return done.promise;
  }

  /** Finishes write `index`, keeping a copy of the bytes it wrote as they are now. */
  finish(index: number): Uint8Array {
    const { bytes, done } = this.writes[index];
    const copy = bytes.slice();
    done.resolve(bytes.byteLength);
    return copy;
  }

  fail(index: number): void {
    this.writes[index].done.reject(new Error("No space left on device"));
  }

  sync(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {}
}

function slowUpload(file: SlowFile): DiskUpload {
  return new DiskUpload({
    file: file as unknown as Deno.FsFile,
    path: "/nonexistent/upload.part",
    // Hashed on this thread: only the disk writes hold the chunks.
    hash: incrementalSha256({ expectedBytes: 0 }),
    offset: 0,
    blobsDir: "/nonexistent",
    resumable: false,
    release() {},
  });
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
}

Deno.test("DiskUpload.write() of a pooled chunk resolves before its disk write, which keeps the buffer", async () => {
  const pool = new FrameBufferPool();
  const file = new SlowFile();
  const upload = slowUpload(file);
  const first = pool.acquire(1000);
  first.fill(1);
  await upload.write(first);
  pool.release(first);
  // Its disk write has not finished: the pool must not hand the buffer out again.
  const second = pool.acquire(1000);
  assertNotStrictEquals(second.buffer, first.buffer);
  second.fill(2);
  await upload.write(second);
  pool.release(second);
  await settle();
  assertEquals(file.finish(0), new Uint8Array(1000).fill(1));
  await settle();
  assertEquals(file.writes.length, 2, "the second write starts after the first");
  assertEquals(file.finish(1), new Uint8Array(1000).fill(2));
  await settle();
  // Both written: both free.
  const again = [pool.acquire(1000).buffer, pool.acquire(1000).buffer];
  assert(again.includes(first.buffer) && again.includes(second.buffer));
  assertEquals(upload.size, 2000);
});

Deno.test("DiskUpload.write() waits when two pooled chunks are still being written", async () => {
  const pool = new FrameBufferPool();
  const file = new SlowFile();
  const upload = slowUpload(file);
  for (let i = 0; i < 2; i++) await upload.write(pool.acquire(100));
  let resolved = false;
  const third = upload.write(pool.acquire(100)).then(() => resolved = true);
  await settle();
  assertEquals(resolved, false);
  file.finish(0);
  await third;
});

Deno.test("DiskUpload reports a failed disk write of a pooled chunk on the next call", async () => {
  const pool = new FrameBufferPool();
  const file = new SlowFile();
  const upload = slowUpload(file);
  const buffer = pool.acquire(100);
  await upload.write(buffer);
  pool.release(buffer);
  file.fail(0);
  await settle();
  await assertRejects(() => upload.write(pool.acquire(100)), StorageError, "No space left");
  // Its buffer was let go.
  assertEquals(pool.acquire(100).buffer, buffer.buffer);
});
