import { promptSecret } from "@std/cli/prompt-secret";
import * as colors from "@std/fmt/colors";
import { type ChatError, parseAddress } from "../client/mod.ts";
import { VERSION } from "../version.ts";
import { nickProblem } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";

/** What the command-line clients call themselves in `hello`. */
export const CLI_CLIENT_NAME = `chat-cli/${VERSION}`;

/** Maps a client failure to the CLI's sentence and exit code. */
export function toCliError(error: ChatError): CliError {
  switch (error.code) {
    case "bad_passkey":
      return new CliError(error.message, ExitCode.BAD_PASSKEY);
    case "bad_invite":
    case "bad_device":
    case "bad_link_code":
      return new CliError(error.message, ExitCode.BAD_PASSKEY);
    case "nick_taken":
    case "nick_invalid":
    case "nick_owned":
      return new CliError(error.message, ExitCode.BAD_NICK);
    case "room_invalid":
      return new CliError(error.message, ExitCode.USAGE);
    case "kicked":
    case "banned":
      return new CliError(error.message, ExitCode.REMOVED);
    case "tls_untrusted":
    case "tls_changed":
      return new CliError(error.message, ExitCode.UNTRUSTED);
    default:
      return new CliError(error.message);
  }
}

/** The OS user name when it is a valid nick, else `guest`. */
export function defaultNick(): string {
  const user = Deno.env.get("USER") ?? Deno.env.get("USERNAME") ?? "";
  return nickProblem(user) === undefined ? user : "guest";
}

/** Asks for a nick on the terminal until a valid one is given; empty means the default. */
export function askNick(): string {
  for (;;) {
    const fallback = defaultNick();
    const answer = prompt(`Nick [${fallback}]:`);
    if (answer === null) throw new CliError("No nick given.", ExitCode.USAGE);
    const nick = answer.trim() || fallback;
    const problem = nickProblem(nick);
    if (problem === undefined) return nick;
    console.error(colors.red(problem));
  }
}

/** Asks for the passkey on the terminal without echoing it. */
export function askPasskey(): string {
  for (;;) {
    const answer = promptSecret("Passkey:");
    if (answer === null) throw new CliError("No passkey given.", ExitCode.USAGE);
    if (answer.trim() !== "") return answer.trim();
  }
}

/**
 * Where the client commands get the passkey, as their help says it.
 *
 * @example
 * ```ts
 * import { PASSKEY_NOTE } from "./credentials.ts";
 * const epilogue = PASSKEY_NOTE; // the last paragraph of "chat send-file --help"
 * ```
 */
export const PASSKEY_NOTE = "The passkey comes from $CHAT_PASSKEY or is asked for on the terminal.";

/** Parses HOST[:PORT] for the CLI: a bad address is a usage error. */
/**
 * The nodes of `chat join a,b,c`: a comma-separated list of addresses of one cluster's nodes,
 * each checked like {@linkcode addressArgument}; one address is a list of one.
 */
export function addressesArgument(value: string | undefined, command: string) {
  if (value === undefined) return [addressArgument(undefined, command)];
  const parts = value.split(",").map((part) => part.trim()).filter((part) => part !== "");
  return (parts.length === 0 ? [value] : parts).map((part) => addressArgument(part, command));
}

export function addressArgument(value: string | undefined, command: string) {
  if (value === undefined) {
    throw new CliError(
      `Give the server address, such as "chat ${command} 192.168.1.20:7777".`,
      ExitCode.USAGE,
    );
  }
  try {
    return parseAddress(value);
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.USAGE);
  }
}
