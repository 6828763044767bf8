import { assertEquals } from "@std/assert";
import { learnNodes } from "../../src/cli/join.ts";

Deno.test("learnNodes() adds the nodes a welcome names, once each, and skips what does not parse", () => {
  const nodes = [{ hostname: "10.0.0.1", port: 7777 }];
  learnNodes(nodes, [
    { chat: "10.0.0.1:7777" },
    { chat: "10.0.0.2:7777" },
    { chat: "[fe80::1]:7000" },
    { chat: "not an address:x" },
  ]);
  learnNodes(nodes, [{ chat: "10.0.0.2:7777" }]);
  assertEquals(nodes, [
    { hostname: "10.0.0.1", port: 7777 },
    { hostname: "10.0.0.2", port: 7777 },
    { hostname: "fe80::1", port: 7000 },
  ]);
});
