import { assertEquals, assertMatch } from "@std/assert";
import { formatFingerprint, parseFingerprint } from "../../src/protocol/fingerprint.ts";

/** The digest 00 01 02 … 1F and how `chat serve` prints it. */
const COUNTING = Uint8Array.from({ length: 32 }, (_, i) => i);
const COUNTING_PRINTED = "SHA256:" +
  Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, "0").toUpperCase()).join(":");
const PRINTED = /^SHA256:[0-9A-F]{2}(:[0-9A-F]{2}){31}$/;

const HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const COLONS = HEX.match(/../g)!.join(":");

const ACCEPTED: { name: string; text: string }[] = [
  { name: "as printed", text: COUNTING_PRINTED },
  { name: "in lower case", text: COUNTING_PRINTED.toLowerCase() },
  { name: "in mixed case", text: "Sha256:" + COLONS.toUpperCase().slice(0, 40) + COLONS.slice(40) },
  { name: "without SHA256:", text: COLONS },
  { name: "without SHA256: and colons", text: HEX },
  { name: "with SHA256: but no colons", text: `SHA256:${HEX.toUpperCase()}` },
  { name: "separated by spaces", text: HEX.match(/../g)!.join(" ") },
  { name: "with surrounding white space, as pasted", text: `  ${COUNTING_PRINTED}\n` },
];

const REFUSED: { name: string; text: string }[] = [
  { name: "empty", text: "" },
  { name: "only the prefix", text: "SHA256:" },
  { name: "31 bytes", text: `SHA256:${COLONS.slice(0, -3)}` },
  { name: "33 bytes", text: `SHA256:${COLONS}:20` },
  { name: "63 hex digits", text: HEX.slice(1) },
  { name: "a non-hex digit", text: `SHA256:${COLONS.slice(0, -1)}g` },
  { name: "a SHA-1 fingerprint (20 bytes)", text: `SHA1:${COLONS.slice(0, 59)}` },
  { name: "another algorithm's prefix", text: `MD5:${HEX}` },
  {
    name: "the base64 form OpenSSH prints",
    text: "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
  },
  { name: "other punctuation between bytes", text: HEX.match(/../g)!.join("-") },
];

Deno.test("formatFingerprint() prints SHA256: and 32 uppercase hex bytes joined by colons", () => {
  assertEquals(formatFingerprint(COUNTING), COUNTING_PRINTED);
  assertEquals(formatFingerprint(new Uint8Array(32)), "SHA256:" + Array(32).fill("00").join(":"));
  assertEquals(formatFingerprint(new Uint8Array(32).fill(0xff)).slice(0, 16), "SHA256:FF:FF:FF:");
  assertMatch(formatFingerprint(crypto.getRandomValues(new Uint8Array(32))), PRINTED);
});

Deno.test("parseFingerprint() accepts the forms users type or paste", async (t) => {
  for (const { name, text } of ACCEPTED) {
    await t.step(name, () => {
      assertEquals(parseFingerprint(text), COUNTING_PRINTED, JSON.stringify(text));
    });
  }
});

Deno.test("parseFingerprint() refuses what is not 32 bytes of hex", async (t) => {
  for (const { name, text } of REFUSED) {
    await t.step(name, () => {
      assertEquals(parseFingerprint(text), undefined, JSON.stringify(text));
    });
  }
});

Deno.test("parseFingerprint() gives back what formatFingerprint() printed", () => {
  for (let i = 0; i < 20; i++) {
    const printed = formatFingerprint(crypto.getRandomValues(new Uint8Array(32)));
    assertEquals(parseFingerprint(printed), printed);
    assertEquals(parseFingerprint(printed.slice(7).replaceAll(":", "").toLowerCase()), printed);
  }
});
