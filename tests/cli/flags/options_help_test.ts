import { assertEquals, assertThrows } from "@std/assert";
import { type FlagDeclarations, optionsHelp } from "../../../src/cli/flags/mod.ts";

const LAYOUTS: { name: string; flags: FlagDeclarations; column: number; help: string[] }[] = [
  {
    name: "a name and its help on one line, help last",
    flags: { nick: { kind: "string", value: "NAME", help: "your nick" } },
    column: 18,
    help: [
      "  --nick NAME     your nick",
      "  -h, --help      this help",
    ],
  },
  {
    name: "a name too long for the column on a line of its own",
    flags: {
      "auto-download": { kind: "string", value: "DIR", help: "save every file into DIR" },
      "one-short": { kind: "string", value: "NAM", help: "one space short" },
      fits: { kind: "string", value: "EXACTLY", help: "ends two before the column" },
    },
    column: 18,
    help: [
      "  --auto-download DIR",
      "                  save every file into DIR",
      "  --one-short NAM",
      "                  one space short",
      "  --fits EXACTLY  ends two before the column",
      "  -h, --help      this help",
    ],
  },
  {
    name: "more lines under the first",
    flags: {
      passkey: { kind: "string", value: "KEY", help: "passkey clients must give\n(default: one)" },
      "max-connections-per-address": {
        kind: "integer",
        value: "N",
        min: 0,
        max: 9,
        help: "from one address\n(default 100)",
      },
    },
    column: 29,
    help: [
      "  --passkey KEY              passkey clients must give",
      "                             (default: one)",
      "  --max-connections-per-address N",
      "                             from one address",
      "                             (default 100)",
      "  -h, --help                 this help",
    ],
  },
  {
    name: "flags listed together share their lines",
    flags: {
      rate: { kind: "integer", value: "N", min: 1, max: 9, help: "per second\nand at once" },
      burst: { kind: "integer", value: "N", min: 1, max: 9, help: { with: "rate" } },
      "tls-cert": { kind: "string", value: "FILE", help: "your own certificate" },
      "tls-key": { kind: "string", value: "FILE", help: { with: "tls-cert" } },
    },
    column: 29,
    help: [
      "  --rate N, --burst N        per second",
      "                             and at once",
      "  --tls-cert FILE, --tls-key FILE",
      "                             your own certificate",
      "  -h, --help                 this help",
    ],
  },
  {
    name: "short aliases, --no-NAME for a negatable flag that is on by default, both forms for " +
      "one without a default",
    flags: {
      output: { kind: "string", alias: "o", value: "PATH", help: "save there" },
      web: { kind: "boolean", default: true, negatable: true, help: "no web client" },
      json: { kind: "boolean", negatable: true, help: "print JSON" },
      force: { kind: "boolean", default: true, help: "overwrite" },
      "max-file-size": { kind: "size", value: "SIZE", help: "largest file" },
    },
    column: 22,
    help: [
      "  -o, --output PATH   save there",
      "  --no-web            no web client",
      "  --json, --no-json   print JSON",
      "  --force             overwrite",
      "  --max-file-size SIZE",
      "                      largest file",
      "  -h, --help          this help",
    ],
  },
];

Deno.test("optionsHelp() lays out each flag from its declaration", () => {
  for (const { name, flags, column, help } of LAYOUTS) {
    assertEquals(optionsHelp(flags, { column }).split("\n"), help, name);
  }
});

Deno.test("optionsHelp() refuses help shared with a flag not declared before", () => {
  const cases: FlagDeclarations[] = [
    { burst: { kind: "integer", value: "N", min: 1, max: 9, help: { with: "rate" } } },
    {
      burst: { kind: "integer", value: "N", min: 1, max: 9, help: { with: "rate" } },
      rate: { kind: "integer", value: "N", min: 1, max: 9, help: "per second" },
    },
  ];
  for (const flags of cases) {
    assertThrows(
      () => optionsHelp(flags, { column: 29 }),
      TypeError,
      "The help of --burst is with --rate, which is not declared before it.",
    );
  }
});
