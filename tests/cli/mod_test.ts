import { assertEquals } from "@std/assert";
import { runCli } from "../../src/cli/mod.ts";
import { printedBy } from "./_console.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../fixtures/cli/${name}.help.txt`, import.meta.url));

// The help texts are a contract that scripts and people rely on: any change shows here first.
const HELP_TEXTS: { args: string[]; fixture: string; code?: number }[] = [
  { args: [], fixture: "chat", code: 2 },
  { args: ["help"], fixture: "chat" },
  { args: ["--help"], fixture: "chat" },
  { args: ["-h"], fixture: "chat" },
  ...[
    "serve",
    "join",
    "discover",
    "invite",
    "send-file",
    "get",
    "files",
    "export",
    "audit",
    "search",
  ]
    .flatMap((
      command,
    ) => [
      { args: [command, "--help"], fixture: command },
      { args: [command, "-h"], fixture: command },
      { args: [command, "more", "words", "--help"], fixture: command },
    ]),
  { args: ["serve", "--help", "--port", "x", "--max-file-size", "4X"], fixture: "serve" },
];

Deno.test("runCli() prints each help text as it has always read", async () => {
  for (const { args, fixture: name, code = 0 } of HELP_TEXTS) {
    const printed = await printedBy(() => runCli(args));
    assertEquals(
      { code: printed.result, stdout: printed.stdout.join("\n") + "\n", stderr: printed.stderr },
      { code, stdout: fixture(name), stderr: [] },
      args.join(" "),
    );
  }
});

const USAGE_ERRORS: { args: string[]; sentence: string }[] = [
  { args: ["bogus"], sentence: 'Unknown command "bogus"; run "chat help" for the list.' },
  { args: ["--bogus"], sentence: 'Unknown command "--bogus"; run "chat help" for the list.' },
  {
    args: ["serve", "--bogus"],
    sentence: 'chat serve: Unknown option --bogus for "chat serve"; see "chat serve --help".',
  },
  {
    args: ["join", "--no-tls"],
    sentence: 'chat join: Unknown option --no-tls for "chat join"; see "chat join --help".',
  },
  {
    args: ["get", "-ox", "host", "1"],
    sentence: 'chat get: Unknown option -ox for "chat get"; see "chat get --help".',
  },
  {
    args: ["files", "--help", "--port"],
    sentence: 'chat files: Unknown option --port for "chat files"; see "chat files --help".',
  },
  {
    args: ["serve", "--port", "70000"],
    sentence: 'chat serve: --port must be a whole number from 0 to 65535, not "70000".',
  },
  {
    args: ["serve", "--max-file-size", "4X"],
    sentence: 'chat serve: --max-file-size must be a size such as 500M or 4G, not "4X".',
  },
  {
    args: ["send-file"],
    sentence:
      'chat send-file: Give the server address, such as "chat send-file 192.168.1.20:7777".',
  },
  {
    args: ["get", "192.168.1.20", "x"],
    sentence: 'chat get: Give the id of the file to get, such as "chat get 192.168.1.20 12".',
  },
  { args: ["join", "a", "b"], sentence: 'chat join: Unexpected argument "b".' },
  { args: ["discover", "lab"], sentence: 'chat discover: Unexpected argument "lab".' },
  {
    args: ["discover", "--timeout", "0"],
    sentence: 'chat discover: --timeout must be a whole number from 1 to 60, not "0".',
  },
  {
    args: ["serve", "--name", " "],
    sentence: "chat serve: The server's name must not be empty. Check --name.",
  },
  {
    args: ["join", "127.0.0.1:9", "--operator", "--data-dir", "/nonexistent/chat-data"],
    sentence: "chat join: Cannot read the operator credential /nonexistent/chat-data/operator " +
      "(there is no such file); run this on the server's machine, with --data-dir set to the " +
      "data dir of chat serve.",
  },
  {
    args: ["audit", "127.0.0.1:9", "--operator", "--data-dir", "/nonexistent/chat-data"],
    sentence: "chat audit: Cannot read the operator credential /nonexistent/chat-data/operator " +
      "(there is no such file); run this on the server's machine, with --data-dir set to the " +
      "data dir of chat serve.",
  },
  {
    args: ["audit"],
    sentence: 'chat audit: Give the server address, such as "chat audit 192.168.1.20:7777".',
  },
  {
    args: ["audit", "host", "--limit", "0"],
    sentence: 'chat audit: --limit must be a whole number from 1 to 100000, not "0".',
  },
];

Deno.test("runCli() answers a wrong command line with one sentence and exit code 2", async () => {
  for (const { args, sentence } of USAGE_ERRORS) {
    const printed = await printedBy(() => runCli(args));
    assertEquals(
      { code: printed.result, stdout: printed.stdout, stderr: printed.stderr },
      { code: 2, stdout: [], stderr: [sentence] },
      args.join(" "),
    );
  }
});
