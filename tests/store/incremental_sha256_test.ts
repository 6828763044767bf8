import { assertEquals, assertRejects } from "@std/assert";
import { createHash } from "node:crypto";
import { incrementalSha256 } from "../../src/store/incremental_sha256.ts";
import { randomBytes, randomPieces, seededRandom } from "./_bytes.ts";

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
