import { CliError, ExitCode } from "./cli_error.ts";
import type { Command } from "./command.ts";
import { audit } from "./audit.ts";
import { discover } from "./discover.ts";
import { exportHistory } from "./export.ts";
import { files } from "./files.ts";
import { get } from "./get.ts";
import { invite } from "./invite.ts";
import { join } from "./join.ts";
import { sendFile } from "./send_file.ts";
import { search } from "./search.ts";
import { serve } from "./serve.ts";
import { VERSION } from "../version.ts";

const USAGE = `chat ${VERSION}: private group chat for people on one local network.

Usage:
  chat serve [--port 7777] [--passkey KEY] [--data-dir DIR]   start a server
  chat join [HOST[:PORT]|LINK] [--nick NAME] [--room NAME]    join one
  chat discover [--json] [--timeout S]                         list the servers on the network
  chat invite HOST[:PORT] [--ttl 2h] [--json]                  make an invite link
  chat send-file HOST[:PORT] [PATH|-] [--name NAME] [--room R] share a file
  chat get HOST[:PORT] ID [-o PATH|-] [--force]                fetch a shared file
  chat files HOST[:PORT] [--room ROOM] [--json]                list shared files
  chat audit HOST[:PORT] [--json] [--operator]                 the host's audit log
  chat search HOST[:PORT] TERMS [--room R] [--from N] [--json] find messages
  chat export HOST[:PORT]|--data-dir DIR --format jsonl|html -o PATH
                                                               export the history
  chat help | --help | --version

Run "chat COMMAND --help" for a command's options.`;

const COMMANDS: ReadonlyMap<string, Command> = new Map(
  [serve, join, discover, invite, sendFile, get, files, exportHistory, audit, search].map((
    command,
  ) => [command.name, command]),
);

/**
 * Runs the CLI and returns its exit code. The only place errors become sentences on stderr:
 * nothing below it prints a stack trace to a user.
 */
export async function runCli(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (command === "--version" || command === "-V") {
    console.log(VERSION);
    return ExitCode.OK;
  }
  const subcommand = COMMANDS.get(command);
  if (subcommand === undefined) {
    console.error(`Unknown command "${command}"; run "chat help" for the list.`);
    return ExitCode.USAGE;
  }
  try {
    return await subcommand.main(rest);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`chat ${command}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      console.error(`chat ${command}: ${(error as Error).message}`);
      return ExitCode.FAILURE;
    }
    const detail = Deno.env.get("CHAT_DEBUG") ? `\n${(error as Error)?.stack}` : "";
    console.error(
      `chat ${command}: unexpected error: ${(error as Error)?.message ?? error}${detail}`,
    );
    return ExitCode.FAILURE;
  }
}
