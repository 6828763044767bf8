import { assertEquals } from "@std/assert";
import { errorReason } from "../../src/util/mod.ts";

const CASES: { thrown: unknown; reason: string }[] = [
  { thrown: new Error("Permission denied."), reason: "Permission denied" },
  { thrown: new Error("bind EADDRINUSE 0.0.0.0:5353"), reason: "bind EADDRINUSE 0.0.0.0:5353" },
  { thrown: new Deno.errors.NotCapable("Requires sys access"), reason: "Requires sys access" },
  { thrown: new Error("Ends with two.."), reason: "Ends with two." },
  { thrown: "a string.", reason: "a string" },
  { thrown: 42, reason: "42" },
  { thrown: undefined, reason: "undefined" },
];

Deno.test("errorReason() gives a failure's message without its final period", () => {
  for (const { thrown, reason } of CASES) assertEquals(errorReason(thrown), reason, reason);
});
