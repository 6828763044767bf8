import { assertEquals, assertRejects } from "@std/assert";
import { CliError, ExitCode } from "../../src/cli/cli_error.ts";
import { defineCommand } from "../../src/cli/command.ts";
import { defineFlags, type Flags } from "../../src/cli/flags/mod.ts";
import { printedBy } from "./_console.ts";

const GREET_FLAGS = defineFlags({
  name: { kind: "string", value: "NAME", default: "world", help: "who to greet" },
  times: { kind: "integer", value: "N", min: 1, max: 3, default: 1, help: "how often" },
  loud: { kind: "boolean", help: "shout" },
});

/** A command that records what it was run with. */
function greeter() {
  const runs: { flags: Flags<typeof GREET_FLAGS>; positional: string[] }[] = [];
  const command = defineCommand({
    name: "greet",
    usage: "[WHO…] [options]",
    description: "Greets.",
    flags: GREET_FLAGS,
    helpColumn: 16,
    run(parsed) {
      runs.push(parsed);
      return Promise.resolve(parsed.flags.loud ? 7 : ExitCode.OK);
    },
  });
  return { command, runs };
}

Deno.test("defineCommand() makes a command that runs with typed flags and the other words", async () => {
  const { command, runs } = greeter();
  assertEquals(command.name, "greet");
  assertEquals(await command.main(["ana", "--times", "2", "--loud", "ben"]), 7);
  assertEquals(await command.main([]), ExitCode.OK);
  assertEquals(runs, [
    { flags: { name: "world", times: 2, loud: true }, positional: ["ana", "ben"] },
    { flags: { name: "world", times: 1, loud: false }, positional: [] },
  ]);
});

Deno.test("defineCommand() prints the help for --help or -h and does not run", async () => {
  const help = [
    "Usage: chat greet [WHO…] [options]",
    "",
    "Greets.",
    "",
    "Options:",
    "  --name NAME   who to greet",
    "  --times N     how often",
    "  --loud        shout",
    "  -h, --help    this help",
  ];
  for (const args of [["--help"], ["-h"], ["--times", "9", "-h"]]) {
    const { command, runs } = greeter();
    assertEquals(command.help.split("\n"), help);
    const printed = await printedBy(() => command.main(args));
    assertEquals([printed.result, printed.stdout, runs.length], [ExitCode.OK, help, 0]);
  }
});

Deno.test("defineCommand() refuses a bad command line with a usage error and does not run", async () => {
  const cases: { args: string[]; message: string }[] = [
    {
      args: ["--lound"],
      message: 'Unknown option --lound for "chat greet"; see "chat greet --help".',
    },
    { args: ["--times", "4"], message: '--times must be a whole number from 1 to 3, not "4".' },
  ];
  for (const { args, message } of cases) {
    const { command, runs } = greeter();
    const error = await assertRejects(() => command.main(args), CliError, message);
    assertEquals([error.exitCode, runs.length], [ExitCode.USAGE, 0]);
  }
});

Deno.test("defineCommand() passes run the flags typed from the declaration", () => {
  defineCommand({
    name: "typed",
    usage: "",
    description: "Checks types.",
    flags: GREET_FLAGS,
    helpColumn: 16,
    run({ flags }) {
      const times: number = flags.times;
      const name: string = flags.name;
      // @ts-expect-error: there is no --lound.
      const loud: boolean = flags.lound;
      return Promise.resolve(times + name.length + Number(loud));
    },
  });
});
