import { assertEquals, assertThrows } from "@std/assert";
import { DEFAULT_PORT, parseAddress } from "../../src/client/mod.ts";

const ADDRESSES: { address: string; hostname: string; port: number }[] = [
  { address: "192.168.1.20", hostname: "192.168.1.20", port: DEFAULT_PORT },
  { address: "192.168.1.20:7000", hostname: "192.168.1.20", port: 7000 },
  { address: "localhost", hostname: "localhost", port: DEFAULT_PORT },
  { address: "chat.lan:1", hostname: "chat.lan", port: 1 },
  { address: "chat.lan:65535", hostname: "chat.lan", port: 65535 },
  { address: "[::1]", hostname: "::1", port: DEFAULT_PORT },
  { address: "[::1]:7000", hostname: "::1", port: 7000 },
  { address: "[fe80::1ff:fe23:4567:890a]:8080", hostname: "fe80::1ff:fe23:4567:890a", port: 8080 },
  { address: "[::ffff:192.168.1.20]", hostname: "::ffff:192.168.1.20", port: DEFAULT_PORT },
  { address: "  host:7000  ", hostname: "host", port: 7000 },
];

Deno.test("parseAddress() reads a host, host:port, [IPv6] and [IPv6]:port", () => {
  assertEquals(DEFAULT_PORT, 7777);
  for (const { address, hostname, port } of ADDRESSES) {
    assertEquals(parseAddress(address), { hostname, port }, address);
  }
});

const NOT_ADDRESSES = [
  "",
  "   ",
  "host:0",
  "host:70000",
  "host:65536",
  "host:123456",
  "host:abc",
  "host:",
  "host:-1",
  ":7000",
  "::1",
  "[::1",
  "::1]",
  "[::1]:",
  "[::1]:0",
  "[host]",
  "a:b:c",
  "two words",
];

Deno.test("parseAddress() throws a TypeError that quotes an address it cannot use", () => {
  for (const address of NOT_ADDRESSES) {
    assertThrows(
      () => parseAddress(address),
      TypeError,
      `"${address}" is not a server address; use HOST or HOST:PORT, such as 192.168.1.20:7777.`,
    );
  }
});
