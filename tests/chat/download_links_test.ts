import { assertEquals } from "@std/assert";
import { DownloadLinks } from "../../src/chat/download_links.ts";

const NOW = 1_800_000_000_000;

Deno.test("DownloadLinks.verify() returns the grant a token was signed with, until it expires", async () => {
  const links = await DownloadLinks.create();
  const grant = { id: 12, owner: "o.with.dots", expires: NOW + 1000 };
  const token = await links.sign(grant);
  assertEquals(/^[A-Za-z0-9_.-]+$/.test(token), true, token);
  assertEquals(await links.verify(token, NOW), grant);
  assertEquals(await links.verify(token, NOW + 1000), grant);
  assertEquals(await links.verify(token, NOW + 1001), undefined);
});

Deno.test("DownloadLinks.verify() refuses a token it did not sign, or one that was changed", async () => {
  const links = await DownloadLinks.create();
  const other = await DownloadLinks.create();
  const token = await links.sign({ id: 12, owner: "o1", expires: NOW + 1000 });
  const [payload, mac] = token.split(".");
  const forged = btoa("13." + (NOW + 1000) + ".o1").replace(/=+$/, "");
  const cases = [
    await other.sign({ id: 12, owner: "o1", expires: NOW + 1000 }),
    `${forged}.${mac}`,
    `${payload}.${mac.slice(0, -2)}AA`,
    payload,
    "",
    "...",
    "not base64!.xx",
  ];
  for (const bad of cases) assertEquals(await links.verify(bad, NOW), undefined, bad);
});
