import { assertEquals, assertRejects, assertStrictEquals, assertStringIncludes } from "@std/assert";
import { join } from "@std/path";
import { FrameBufferPool } from "../../src/util/mod.ts";
import { DiskUpload } from "../../src/store/_disk_upload.ts";
import { incrementalSha256 } from "../../src/util/mod.ts";
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

Deno.test("DiskUpload.write() of a pooled chunk resolves once its disk write ended, in order", async () => {
  const pool = new FrameBufferPool();
  const file = new SlowFile();
  const upload = slowUpload(file);
  const first = pool.acquire(1000);
  first.fill(1);
  let resolved = false;
  const writing = upload.write(first).then(() => resolved = true);
  await settle();
  assertEquals(resolved, false);
  assertEquals(file.finish(0), new Uint8Array(1000).fill(1));
  await writing;
  pool.release(first);
  // Written (and hashed): free again.
  const second = pool.acquire(1000);
  assertStrictEquals(second.buffer, first.buffer);
  second.fill(2);
  const again = upload.write(second);
  await settle();
  assertEquals(file.writes.length, 2);
  assertEquals(file.finish(1), new Uint8Array(1000).fill(2));
  await again;
  assertEquals(upload.size, 2000);
});

Deno.test("DiskUpload.write() of a pooled chunk rejects when its disk write fails, and lets the buffer go", async () => {
  const pool = new FrameBufferPool();
  const file = new SlowFile();
  const upload = slowUpload(file);
  const buffer = pool.acquire(100);
  const writing = upload.write(buffer);
  await settle();
  file.fail(0);
  await assertRejects(() => writing, StorageError, "No space left");
  pool.release(buffer);
  assertStrictEquals(pool.acquire(100).buffer, buffer.buffer);
  await assertRejects(() => upload.write(pool.acquire(100)), Error);
});

/**
 * Ways the hashing thread's file can fail: every write to `/dev/full` fails with ENOSPC (through
 * a link in the temporary folder, which is what gets removed; opening a device takes
 * `--allow-all`, so without it the test runs itself again in a `deno test --allow-all`), and a
 * folder cannot be opened for writing.
 */
const FAILURES = [
  {
    name: "a write",
    message: "No space left on device",
    needsAllowAll: true,
    make: (path: string) => Deno.symlink("/dev/full", path),
  },
  {
    name: "the open",
    message: "directory",
    needsAllowAll: false,
    make: (path: string) => Deno.mkdir(path),
  },
];

/** Whether this process may open a device file: only with `--allow-all` (ffi stands for it). */
const allowAll = Deno.permissions.querySync({ name: "ffi" }).state === "granted";

/** Runs the test named `name` of this file in a `deno test --allow-all` and checks it passed. */
async function runWithAllowAll(name: string): Promise<void> {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--filter", `/^${escaped}$/`, new URL(import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assertEquals(code, 0, output);
  assertStringIncludes(output, "1 passed");
}

for (const { name, message, needsAllowAll, make } of FAILURES) {
  for (const failsIn of ["write", "commit"]) {
    const testName =
      `DiskUpload: ${name} failed on the hashing thread fails ${failsIn}() with StorageError, removes the file and lets the buffers go`;
    Deno.test({
      name: testName,
      ignore: Deno.build.os !== "linux" && needsAllowAll,
      fn: async () => {
        if (needsAllowAll && !allowAll) return await runWithAllowAll(testName);
        const dir = await Deno.makeTempDir();
        try {
          const path = join(dir, "failing.part");
          await make(path);
          const upload = new DiskUpload({
            // Only synced: the hashing thread opens `path` itself to write.
            file: await Deno.open(join(dir, "other"), { read: true, append: true, create: true }),
            path,
            hash: incrementalSha256(),
            offset: 0,
            blobsDir: dir,
            resumable: true,
            release() {},
          });
          const pool = new FrameBufferPool();
          const seen = new Set<SharedArrayBuffer>();
          const chunks = failsIn === "write" ? 64 : 1;
          await assertRejects(
            async () => {
              for (let index = 0; index < chunks; index++) {
                const buffer = pool.acquire(1024 * 1024);
                seen.add(buffer.buffer);
                try {
                  await upload.write(buffer);
                } finally {
                  pool.release(buffer);
                }
              }
              if (failsIn === "write") throw new Error("No write failed");
              await upload.commit("0".repeat(64));
            },
            StorageError,
            message,
          );
          assertEquals(await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name), ["other"]);
          const held = [...seen].filter((buffer) =>
            FrameBufferPool.retain(new Uint8Array(buffer)) !== undefined
          );
          assertEquals(held, []);
          await assertRejects(() => upload.write(new Uint8Array(1)), Error, "already ended");
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    });
  }
}
