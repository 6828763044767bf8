import { assert, assertEquals, assertRejects, assertStrictEquals } from "@std/assert";
import { createHash } from "node:crypto";
import { FrameBufferPool } from "../../src/util/mod.ts";
import { type IncrementalSha256, incrementalSha256 } from "../../src/util/mod.ts";
import { randomBytes, randomPieces, seededRandom } from "../store/_bytes.ts";

function expected(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const SIZES = [
  { name: "on this thread (announced small)", expectedBytes: 1000, length: 1000 },
  { name: "on a worker (announced large)", expectedBytes: 20_000_000, length: 20_000_000 },
  { name: "on a worker (size unknown)", expectedBytes: undefined, length: 3_000_000 },
];

for (const { name, expectedBytes, length } of SIZES) {
  Deno.test(`incrementalSha256() ${name} hashes pieces of any size, reused once added`, async () => {
    const bytes = randomBytes(length);
    const hash = incrementalSha256({ expectedBytes });
    // Each piece goes through one reused buffer, overwritten as soon as update() resolves:
    // the hash must have taken (copied) it by then.
    const scratch = new Uint8Array(3 * 1024 * 1024);
    for (const piece of randomPieces(bytes, scratch.length, seededRandom(length))) {
      const view = scratch.subarray(0, piece.byteLength);
      view.set(piece);
      await hash.update(view);
      view.fill(0);
    }
    assertEquals(await hash.digest(), expected(bytes));
  });
}

Deno.test("incrementalSha256() of nothing is the SHA-256 of the empty string", async () => {
  for (const expectedBytes of [0, undefined]) {
    assertEquals(await incrementalSha256({ expectedBytes }).digest(), expected(new Uint8Array()));
  }
});

Deno.test("incrementalSha256() on a worker rejects a digest or update after close()", async () => {
  const hash = incrementalSha256();
  await hash.update(randomBytes(100));
  hash.close();
  hash.close();
  await assertRejects(() => hash.digest(), Error, "The hash was closed.");
  await assertRejects(() => hash.update(randomBytes(10)), Error, "The hash was closed.");
});

Deno.test("incrementalSha256() on a worker stays right over many times its 8 MiB of buffers", async () => {
  const hash = incrementalSha256();
  const piece = randomBytes(1024 * 1024);
  // Every buffer goes to the worker and back many times over.
  const reference = createHash("sha256");
  for (let i = 0; i < 64; i++) {
    await hash.update(piece);
    reference.update(piece);
  }
  assertEquals(await hash.digest(), reference.digest("hex"));
});

Deno.test("incrementalSha256() on a worker reads pooled bytes in place and holds them until hashed", async () => {
  const pool = new FrameBufferPool();
  const bytes = randomBytes(40 * 1024 * 1024 + 12_345);
  const hash = incrementalSha256();
  const seen = await addPooled(hash, pool, bytes, { seed: 7, smallShare: 0.2 });
  assertEquals(await hash.digest(), expected(bytes));
  // Buffers came back to the pool once hashed, and were used again.
  assert(seen.size < 30, `${seen.size} buffers`);
});

Deno.test("incrementalSha256() lets go of pooled bytes when closed", async () => {
  const pool = new FrameBufferPool();
  const hash = incrementalSha256();
  const buffer = pool.acquire(1024 * 1024);
  await hash.update(buffer);
  pool.release(buffer);
  hash.close();
  assertStrictEquals(pool.acquire(1024 * 1024).buffer, buffer.buffer);
});

Deno.test("incrementalSha256() on a worker writes what is added after writeTo(), in order, pooled or not", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/out.part`;
    const before = randomBytes(3 * 1024 * 1024 + 5);
    await Deno.writeFile(path, before);
    const pool = new FrameBufferPool();
    const bytes = randomBytes(20 * 1024 * 1024 + 999);
    const hash = incrementalSha256();
    // Already in the file: hashed, not written again.
    await hash.update(before.subarray(0, 1000));
    await hash.update(before.subarray(1000));
    assertEquals(hash.writeTo(path), true);
    await addPooled(hash, pool, bytes, { seed: 3, smallShare: 0.3 });
    const all = new Uint8Array([...before, ...bytes]);
    assertEquals(await hash.digest(), expected(all));
    // The digest is answered once every write ended.
    assertEquals(await Deno.readFile(path), all);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("incrementalSha256() flushWrites() resolves once every byte added is written", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/out.part`;
    await Deno.writeFile(path, new Uint8Array());
    const bytes = randomBytes(9 * 1024 * 1024 + 1);
    const hash = incrementalSha256();
    hash.writeTo(path);
    await hash.update(bytes);
    await hash.flushWrites();
    assertEquals(await Deno.readFile(path), bytes);
    hash.close();
    assertEquals(incrementalSha256({ expectedBytes: 10 }).writeTo(path), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("incrementalSha256() on a worker fails when the file to write cannot be opened", async () => {
  const hash = incrementalSha256();
  hash.writeTo("/nonexistent/folder/out.part");
  await assertRejects(() => hash.digest(), Deno.errors.NotFound);
});

/**
 * Adds `bytes` to `hash` in pooled pieces of random length, as a connection reads them, and now
 * and then a small piece (which the hash copies); returns the pool's buffers that were used.
 */
async function addPooled(
  hash: IncrementalSha256,
  pool: FrameBufferPool,
  bytes: Uint8Array,
  options: { seed: number; smallShare: number },
): Promise<Set<ArrayBufferLike>> {
  const seen = new Set<ArrayBufferLike>();
  const random = seededRandom(options.seed);
  for (let at = 0; at < bytes.byteLength;) {
    const length = Math.min(
      bytes.byteLength - at,
      random() < options.smallShare
        ? 1 + Math.floor(random() * 1000)
        : 64 * 1024 + Math.floor(random() * 2e6),
    );
    const buffer = pool.acquire(length);
    buffer.set(bytes.subarray(at, at + length));
    // The reader lets go at once, as a connection does when the next frame is asked for: the
    // hash must keep the buffer from being read into again until it has hashed it.
    await hash.update(buffer.subarray(0, length));
    pool.release(buffer);
    seen.add(buffer.buffer);
    at += length;
  }
  return seen;
}
