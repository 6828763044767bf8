import { assertEquals, assertThrows } from "@std/assert";
import { CliError } from "../../src/cli/cli_error.ts";
import { natsServers } from "../../src/cli/serve.ts";

Deno.test("natsServers() reads --nats as a list of nats:// addresses, with the default port", () => {
  assertEquals(natsServers(undefined), undefined);
  assertEquals(natsServers("nats://10.0.0.1:4222, 10.0.0.2:4223,n3"), [
    "nats://10.0.0.1:4222",
    "nats://10.0.0.2:4223",
    "nats://n3:4222",
  ]);
  assertEquals(natsServers("tls://nats.example:4443"), ["tls://nats.example:4443"]);
});

Deno.test("natsServers() refuses what is not a NATS address, in one sentence", () => {
  for (const flag of [",", "http://10.0.0.1:4222", "nats://[bad"]) {
    const error = assertThrows(() => natsServers(flag), CliError);
    assertEquals(error.message.startsWith("--nats"), true, error.message);
  }
});
