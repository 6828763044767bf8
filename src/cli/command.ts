/**
 * A subcommand of `chat` declared in one place: its help, its flags and what it does with them.
 * {@linkcode defineCommand} turns the declaration into what `runCli` runs: parse the words by
 * the declared flags (an unknown flag is a usage error), print the help when asked, else run
 * with flags typed from the declaration.
 *
 * @module
 */
import { ExitCode } from "./cli_error.ts";
import { type CommandHelp, commandHelp } from "./command_help.ts";
import { type FlagDeclarations, type Flags, parseFlags } from "./flags/mod.ts";

/** A command as its file declares it. */
export interface CommandDeclaration<Declarations extends FlagDeclarations> extends CommandHelp {
  readonly flags: Declarations;
  /** Does the work with the parsed command line; resolves to the exit code. */
  run(parsed: { flags: Flags<Declarations>; positional: string[] }): Promise<number>;
}

/** A command ready to run: what `runCli` knows of it. */
export interface Command {
  /** The word after `chat`. */
  readonly name: string;
  /** The text of `chat NAME --help`. */
  readonly help: string;
  /** Runs with the words after the command's name; resolves to the exit code. */
  main(args: readonly string[]): Promise<number>;
}

/**
 * Makes a runnable command of a declaration. The flags passed to `run` have the type derived
 * from `flags`, so a misspelt flag does not compile.
 *
 * @example
 * ```ts
 * import { defineCommand } from "./command.ts";
 * const hello = defineCommand({
 *   name: "hello",
 *   usage: "[options]",
 *   description: "Says hello.",
 *   helpColumn: 18,
 *   flags: { name: { kind: "string", value: "NAME", default: "world", help: "who to greet" } },
 *   run({ flags }) {
 *     console.log(`Hello, ${flags.name}!`); // flags.name: string
 *     return Promise.resolve(0);
 *   },
 * });
 * await hello.main(["--name", "Ana"]); // prints "Hello, Ana!"
 * ```
 */
export function defineCommand<const Declarations extends FlagDeclarations>(
  declaration: CommandDeclaration<Declarations>,
): Command {
  const help = commandHelp(declaration);
  return {
    name: declaration.name,
    help,
    async main(args) {
      const parsed = parseFlags(declaration.flags, args, { command: declaration.name });
      if (parsed.help) {
        console.log(help);
        return ExitCode.OK;
      }
      return await declaration.run({ flags: parsed.flags, positional: parsed.positional });
    },
  };
}
