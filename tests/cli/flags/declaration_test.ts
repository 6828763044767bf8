// Type-level checks: `deno task check` compiles this file, so a derived type that drifts fails
// the check, and each `@ts-expect-error` fails it if the mistake below it ever compiles.
import { assertEquals } from "@std/assert";
import { defineFlags, type Flags, parseFlags } from "../../../src/cli/flags/mod.ts";

/** `true` when `A` and `B` are the same type, else `false`. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

/** A group of options several commands share, spread into each declaration. */
const SHARED = defineFlags({
  tls: { kind: "boolean", help: "connect with TLS" },
  fingerprint: { kind: "string", value: "FP", help: "the certificate's fingerprint" },
});

const FLAGS = defineFlags({
  nick: { kind: "string", value: "NAME", help: "your nick" },
  host: { kind: "string", value: "ADDRESS", default: "0.0.0.0", help: "where to listen" },
  port: { kind: "integer", value: "PORT", min: 0, max: 65535, default: 7777, help: "TCP port" },
  "web-port": { kind: "integer", value: "PORT", min: 0, max: 65535, help: "web port" },
  "max-file-size": { kind: "size", value: "SIZE", default: "4G", help: "largest file" },
  "min-file-size": { kind: "size", value: "SIZE", help: "smallest file" },
  json: { kind: "boolean", help: "print JSON" },
  web: { kind: "boolean", default: true, negatable: true, help: "no web client" },
  bell: { kind: "boolean", negatable: true, help: "ring the bell" },
  ...SHARED,
});

type Parsed = Flags<typeof FLAGS>;

Deno.test("Flags<> types each flag by its kind, and as possibly undefined without a default", () => {
  // A boolean flag is false unless given; only one with a --no- form and no default is unset.
  const same: [
    Equal<Parsed["nick"], string | undefined>,
    Equal<Parsed["host"], string>,
    Equal<Parsed["port"], number>,
    Equal<Parsed["web-port"], number | undefined>,
    Equal<Parsed["max-file-size"], number>,
    Equal<Parsed["min-file-size"], number | undefined>,
    Equal<Parsed["json"], boolean>,
    Equal<Parsed["web"], boolean>,
    Equal<Parsed["bell"], boolean | undefined>,
    Equal<Parsed["tls"], boolean>,
    Equal<Parsed["fingerprint"], string | undefined>,
    Equal<
      keyof Parsed,
      | "nick"
      | "host"
      | "port"
      | "web-port"
      | "max-file-size"
      | "min-file-size"
      | "json"
      | "web"
      | "bell"
      | "tls"
      | "fingerprint"
    >,
  ] = [true, true, true, true, true, true, true, true, true, true, true, true];
  assertEquals(same.every((check) => check), true);
});

Deno.test("Flags<> makes a misspelt or reassigned flag a compile error", () => {
  const parsed = parseFlags(FLAGS, ["--port", "1"], { command: "test" });
  if (parsed.help) throw new Error("unexpected help");
  const { flags } = parsed;
  // @ts-expect-error: there is no --prot.
  const misspelt = flags.prot;
  // @ts-expect-error: --help is answered before the flags are read, never one of them.
  const help = flags.help;
  // @ts-expect-error: parsed flags are read-only.
  flags.port = 2;
  assertEquals([misspelt, help, flags.port], [undefined, undefined, 2]);
});

Deno.test("defineFlags() refuses a declaration that misses what its kind needs", () => {
  const declarations = [
    // @ts-expect-error: an integer flag needs its range.
    defineFlags({ port: { kind: "integer", value: "PORT", help: "TCP port" } }),
    // @ts-expect-error: there is no kind "number".
    defineFlags({ port: { kind: "number", value: "PORT", help: "TCP port" } }),
    // @ts-expect-error: a string flag names its value for the help.
    defineFlags({ nick: { kind: "string", help: "your nick" } }),
    // @ts-expect-error: an integer's default is a number.
    defineFlags({ n: { kind: "integer", value: "N", min: 0, max: 9, default: "5", help: "n" } }),
    // @ts-expect-error: only boolean flags have a --no- form.
    defineFlags({ nick: { kind: "string", value: "NAME", negatable: true, help: "your nick" } }),
    // @ts-expect-error: a misspelt property is refused, not ignored.
    defineFlags({ json: { kind: "boolean", defualt: true, help: "print JSON" } }),
    defineFlags({
      rate: { kind: "integer", value: "N", min: 1, max: 9, help: "per second" },
      // @ts-expect-error: help is shared with a flag of the same declaration.
      burst: { kind: "integer", value: "N", min: 1, max: 9, help: { with: "rat" } },
    }),
  ];
  assertEquals(declarations.length, 7);
});
