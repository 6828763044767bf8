import { assertEquals, assertThrows } from "@std/assert";
import { Sha256 } from "../../web/sha256.js";

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

Deno.test("sha256.js: known vectors", () => {
  const text = (value: string) => new TextEncoder().encode(value);
  assertEquals(
    new Sha256().hex(),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assertEquals(
    new Sha256().update(text("abc")).hex(),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assertEquals(
    new Sha256().update(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).hex(),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
});

Deno.test("sha256.js: matches crypto.subtle for many sizes, whole and in one call", async () => {
  const sizes = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4095, 65537];
  for (const size of sizes) {
    const bytes = randomBytes(size);
    assertEquals(new Sha256().update(bytes).hex(), await reference(bytes), `size ${size}`);
  }
});

Deno.test("sha256.js: any chunking gives the same digest", async () => {
  for (let round = 0; round < 60; round++) {
    const size = Math.floor(Math.random() * 5000) + (round % 5 === 0 ? 300_000 : 0);
    const bytes = randomBytes(size);
    const hash = new Sha256();
    for (let at = 0; at < size;) {
      const step = Math.floor(
        Math.random() * (round % 3 === 0 ? 8 : round % 3 === 1 ? 200 : 70000),
      );
      hash.update(bytes.subarray(at, at + step));
      at += step;
    }
    assertEquals(hash.hex(), await reference(bytes), `round ${round}, size ${size}`);
  }
});

Deno.test("sha256.js: byte by byte, and hex() is stable; update after hex() throws", async () => {
  const bytes = randomBytes(200);
  const hash = new Sha256();
  for (const byte of bytes) hash.update(new Uint8Array([byte]));
  const hex = hash.hex();
  assertEquals(hex, await reference(bytes));
  assertEquals(hash.hex(), hex);
  assertThrows(() => hash.update(new Uint8Array(1)));
});

Deno.test("sha256.js: 8 MiB in 256 KiB pieces", async () => {
  const bytes = randomBytes(8 * 1024 * 1024 + 17);
  const hash = new Sha256();
  for (let at = 0; at < bytes.length; at += 262144) hash.update(bytes.subarray(at, at + 262144));
  assertEquals(hash.hex(), await reference(bytes));
});
