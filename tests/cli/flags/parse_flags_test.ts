import { assertEquals, assertThrows } from "@std/assert";
import { CliError, ExitCode } from "../../../src/cli/cli_error.ts";
import { defineFlags, type Flags, parseFlags } from "../../../src/cli/flags/mod.ts";

const FLAGS = defineFlags({
  nick: { kind: "string", value: "NAME", help: "your nick" },
  host: { kind: "string", value: "ADDRESS", default: "0.0.0.0", help: "where to listen" },
  output: { kind: "string", alias: "o", value: "PATH", help: "where to save" },
  port: { kind: "integer", value: "PORT", min: 0, max: 65535, default: 7777, help: "TCP port" },
  "web-port": { kind: "integer", value: "PORT", min: 0, max: 65535, help: "web port" },
  "max-file-size": { kind: "size", value: "SIZE", default: "4G", help: "largest file" },
  json: { kind: "boolean", help: "print JSON" },
  web: { kind: "boolean", default: true, negatable: true, help: "no web client" },
  bell: { kind: "boolean", negatable: true, help: "ring the bell" },
});

const DEFAULTS: Flags<typeof FLAGS> = {
  nick: undefined,
  host: "0.0.0.0",
  output: undefined,
  port: 7777,
  "web-port": undefined,
  "max-file-size": 4 * 1024 ** 3,
  json: false,
  web: true,
  bell: undefined,
};

const PARSES: { args: string[]; flags?: Partial<Flags<typeof FLAGS>>; positional?: string[] }[] = [
  { args: [] },
  { args: ["--nick", "ana"], flags: { nick: "ana" } },
  { args: ["--nick=ana"], flags: { nick: "ana" } },
  { args: ["--nick", "12"], flags: { nick: "12" } },
  { args: ["--nick"], flags: { nick: "" } },
  { args: ["--nick", "--json"], flags: { nick: "", json: true } },
  { args: ["--nick", "a", "--nick", "b"], flags: { nick: "b" } },
  { args: ["--host", "::"], flags: { host: "::" } },
  { args: ["-o", "out.txt"], flags: { output: "out.txt" } },
  { args: ["-o", "-"], flags: { output: "-" } },
  { args: ["--output=x"], flags: { output: "x" } },
  { args: ["--port", "9000"], flags: { port: 9000 } },
  { args: ["--port="], flags: { port: 0 } },
  { args: ["--web-port", "0"], flags: { "web-port": 0 } },
  { args: ["--max-file-size", "500MB"], flags: { "max-file-size": 500_000_000 } },
  { args: ["--json"], flags: { json: true } },
  { args: ["--json=false"], flags: { json: false } },
  { args: ["--json", "false"], flags: { json: false } },
  { args: ["--no-web"], flags: { web: false } },
  { args: ["--web=false"], flags: { web: false } },
  { args: ["--bell"], flags: { bell: true } },
  { args: ["--no-bell"], flags: { bell: false } },
  { args: ["--bell=false"], flags: { bell: false } },
  { args: ["--no-bell", "--bell"], flags: { bell: true } },
  { args: ["host", "12"], positional: ["host", "12"] },
  { args: ["-"], positional: ["-"] },
  { args: ["--json", "a", "b"], flags: { json: true }, positional: ["a", "b"] },
  { args: ["--", "--json", "-x"], positional: ["--json", "-x"] },
];

Deno.test("parseFlags() gives each flag the type and value its declaration says", () => {
  for (const { args, flags = {}, positional = [] } of PARSES) {
    assertEquals(
      parseFlags(FLAGS, args, { command: "test" }),
      { help: false, flags: { ...DEFAULTS, ...flags }, positional },
      args.join(" "),
    );
  }
});

const HELP = [
  ["--help"],
  ["-h"],
  ["-h=1"],
  ["host", "--help"],
  ["--help", "--port", "abc"],
  ["--port", "70000", "-h"],
];

Deno.test("parseFlags() answers --help and -h before it reads any value", () => {
  for (const args of HELP) {
    assertEquals(parseFlags(FLAGS, args, { command: "test" }), { help: true }, args.join(" "));
  }
});

const UNKNOWN: { args: string[]; option: string }[] = [
  { args: ["--bogus"], option: "--bogus" },
  { args: ["--bogus=1"], option: "--bogus=1" },
  { args: ["-x"], option: "-x" },
  { args: ["-ox"], option: "-ox" },
  { args: ["--no-json"], option: "--no-json" },
  { args: ["--no-help"], option: "--no-help" },
  { args: ["--json.x"], option: "--json.x" },
  { args: ["--help", "--bogus"], option: "--bogus" },
  // A negative number after a flag that takes a value is read as a flag of its own.
  { args: ["--port", "-1"], option: "-1" },
];

Deno.test("parseFlags() refuses a flag the command does not declare, even with --help", () => {
  for (const { args, option } of UNKNOWN) {
    const error = assertThrows(
      () => parseFlags(FLAGS, args, { command: "send-file" }),
      CliError,
      `Unknown option ${option} for "chat send-file"; see "chat send-file --help".`,
    );
    assertEquals(error.exitCode, ExitCode.USAGE, args.join(" "));
  }
});

const BAD_VALUES: { args: string[]; message: string }[] = [
  { args: ["--port", "abc"], message: '--port must be a whole number from 0 to 65535, not "abc".' },
  {
    args: ["--web-port", "x"],
    message: '--web-port must be a whole number from 0 to 65535, not "x".',
  },
  {
    args: ["--max-file-size", "4X"],
    message: '--max-file-size must be a size such as 500M or 4G, not "4X".',
  },
  // Several wrong values: the first declared is reported.
  {
    args: ["--max-file-size", "4X", "--web-port", "x", "--port", "abc"],
    message: '--port must be a whole number from 0 to 65535, not "abc".',
  },
];

Deno.test("parseFlags() refuses a number out of its range, naming the first flag declared", () => {
  for (const { args, message } of BAD_VALUES) {
    const error = assertThrows(
      () => parseFlags(FLAGS, args, { command: "serve" }),
      CliError,
      message,
    );
    assertEquals(error.exitCode, ExitCode.USAGE, args.join(" "));
  }
});
