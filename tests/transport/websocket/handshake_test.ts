import { assertEquals } from "@std/assert";
import {
  acceptKey,
  hasToken,
  refuseHandshake,
} from "../../../src/transport/websocket/handshake.ts";

const VALID = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

Deno.test("acceptKey() answers RFC 6455's example key with the RFC's answer", async () => {
  assertEquals(await acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

Deno.test("refuseHandshake() takes what browsers send and refuses the rest with a status", () => {
  const cases: [string, string, Record<string, string>, number | undefined][] = [
    ["a browser's handshake", "GET", VALID, undefined],
    ["a Connection list", "GET", { ...VALID, connection: "keep-alive, Upgrade" }, undefined],
    ["a POST", "POST", VALID, 405],
    ["no Connection: Upgrade", "GET", { ...VALID, connection: "keep-alive" }, 400],
    ["version 8", "GET", { ...VALID, "sec-websocket-version": "8" }, 426],
    ["no version", "GET", { ...VALID, "sec-websocket-version": "" }, 426],
    ["no key", "GET", { ...VALID, "sec-websocket-key": "" }, 400],
    ["a key of 15 bytes", "GET", { ...VALID, "sec-websocket-key": "AAAAAAAAAAAAAAAAAAAA" }, 400],
    [
      "a key that is not base64",
      "GET",
      { ...VALID, "sec-websocket-key": "!".repeat(22) + "==" },
      400,
    ],
  ];
  for (const [name, method, headers, status] of cases) {
    assertEquals(refuseHandshake(method, new Headers(headers))?.status, status, name);
  }
  assertEquals(
    refuseHandshake("GET", new Headers({ ...VALID, "sec-websocket-version": "8" }))?.headers,
    { "sec-websocket-version": "13" },
    "426 says which version is spoken",
  );
});

Deno.test("hasToken() finds a token in a comma-separated list in any case", () => {
  assertEquals(hasToken("keep-alive, UPGRADE", "upgrade"), true);
  assertEquals(hasToken("upgrades", "upgrade"), false);
  assertEquals(hasToken(null, "close"), false);
});
