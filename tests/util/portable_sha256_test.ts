import { assertEquals, assertThrows } from "@std/assert";
import { portableSha256 } from "../../src/util/portable_sha256.ts";

async function reference(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length; at += 65536) {
    crypto.getRandomValues(bytes.subarray(at, Math.min(length, at + 65536)));
  }
  return bytes;
}

/** Hashes `bytes` fed in pieces of the sizes `step` gives, in turn. */
function hashInPieces(bytes: Uint8Array, step: () => number): string {
  const hash = portableSha256();
  for (let at = 0; at < bytes.length;) {
    const length = step();
    hash.update(bytes.subarray(at, at + length));
    at += length;
  }
  return hash.digest();
}

const VECTORS: { input: string; sha256: string }[] = [
  { input: "", sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
  { input: "abc", sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
  {
    input: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    sha256: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  },
];

Deno.test("portableSha256() gives the FIPS 180-4 example digests", () => {
  for (const { input, sha256 } of VECTORS) {
    const hash = portableSha256();
    hash.update(new TextEncoder().encode(input));
    assertEquals(hash.digest(), sha256, JSON.stringify(input));
  }
});

Deno.test("portableSha256() matches crypto.subtle around every block boundary", async () => {
  const sizes = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4095, 65537];
  for (const size of sizes) {
    const bytes = randomBytes(size);
    assertEquals(hashInPieces(bytes, () => size || 1), await reference(bytes), `size ${size}`);
  }
});

Deno.test("portableSha256() gives the same digest in any chunking", async () => {
  const chunkings: { name: string; step: () => number }[] = [
    { name: "byte by byte", step: () => 1 },
    { name: "up to 8 bytes", step: () => Math.floor(Math.random() * 8) },
    { name: "up to 200 bytes", step: () => Math.floor(Math.random() * 200) },
    { name: "up to 70,000 bytes", step: () => Math.floor(Math.random() * 70_000) },
    { name: "the web client's 256 KiB chunks", step: () => 256 * 1024 },
  ];
  for (const { name, step } of chunkings) {
    for (const size of [200, 4999, 300_017]) {
      const bytes = randomBytes(size);
      assertEquals(hashInPieces(bytes, step), await reference(bytes), `${name}, size ${size}`);
    }
  }
});

Deno.test("portableSha256() hashes 8 MiB in 256 KiB pieces", async () => {
  const bytes = randomBytes(8 * 1024 * 1024 + 17);
  assertEquals(hashInPieces(bytes, () => 262_144), await reference(bytes));
});

Deno.test("portableSha256() digest() is stable, and update() after it throws", () => {
  const hash = portableSha256();
  hash.update(new Uint8Array([1, 2, 3]));
  const hex = hash.digest();
  assertEquals(hash.digest(), hex);
  assertThrows(() => hash.update(new Uint8Array(1)), TypeError);
});
