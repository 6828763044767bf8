import { assert, assertEquals, assertMatch } from "@std/assert";
import { generatePasskey, PasskeyChecker } from "../../src/chat/mod.ts";

/** Crockford's base32 in lowercase: digits and letters without i, l, o and u. */
const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const FORMAT = /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/;

Deno.test("generatePasskey() returns three groups of five lowercase Crockford base32 characters", () => {
  for (let i = 0; i < 200; i++) assertMatch(generatePasskey(), FORMAT);
});

Deno.test("generatePasskey() carries at least 60 bits: 15 characters of a 32-symbol alphabet", () => {
  assertEquals(CROCKFORD.length, 32);
  assertEquals(new Set(CROCKFORD).size, 32);
  const symbols = generatePasskey().replaceAll("-", "");
  assertEquals(symbols.length, 15);
  assert(symbols.length * Math.log2(CROCKFORD.length) >= 60);
});

Deno.test("generatePasskey() uses the whole alphabet in every position", () => {
  const keys = Array.from({ length: 1000 }, () => generatePasskey().replaceAll("-", ""));
  for (let position = 0; position < 15; position++) {
    const seen = new Set(keys.map((key) => key[position]));
    // 1000 uniform draws from 32 symbols miss one with probability 32 × (31/32)^1000 ≈ 5e-13.
    assertEquals([...seen].sort().join(""), CROCKFORD, `position ${position}`);
  }
});

Deno.test("generatePasskey() returns 1000 distinct passkeys in 1000 calls", () => {
  const keys = new Set(Array.from({ length: 1000 }, generatePasskey));
  assertEquals(keys.size, 1000);
});

Deno.test("PasskeyChecker.matches() accepts the exact passkey only", async () => {
  const passkey = "7kq2m-9xd4t-r8p3c";
  const checker = await PasskeyChecker.create(passkey);
  const cases = [
    { candidate: passkey, matches: true },
    { candidate: "7kq2m-9xd4t-r8p3d", matches: false },
    { candidate: "", matches: false },
    { candidate: "7kq2m-9xd4t-r8p3", matches: false },
    { candidate: "7kq2m", matches: false },
    { candidate: `${passkey}c`, matches: false },
    { candidate: `${passkey} `, matches: false },
    { candidate: ` ${passkey}`, matches: false },
    { candidate: passkey.toUpperCase(), matches: false },
    { candidate: passkey.replaceAll("-", ""), matches: false },
    { candidate: "7kq2m-9xd4t-r8p3c\u0000", matches: false },
  ];
  for (const { candidate, matches } of cases) {
    assertEquals(await checker.matches(candidate), matches, JSON.stringify(candidate));
  }
});

Deno.test("PasskeyChecker.matches() works for passkeys that are not generated ones", async () => {
  const cases = ["", "secret", "pässwörd 🔑", "x".repeat(10_000)];
  for (const passkey of cases) {
    const checker = await PasskeyChecker.create(passkey);
    assertEquals(await checker.matches(passkey), true, passkey.slice(0, 20));
    assertEquals(await checker.matches(`${passkey}!`), false, passkey.slice(0, 20));
  }
  const empty = await PasskeyChecker.create("");
  assertEquals(await empty.matches("secret"), false);
});
