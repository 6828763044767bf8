import { promptSecret } from "@std/cli/prompt-secret";
import * as colors from "@std/fmt/colors";
import {
  ChatClient,
  ChatError,
  type DisplayEvent,
  HistoryCursor,
  parseAddress,
  toDisplayEvent,
} from "../client/mod.ts";
import { nickProblem, type ServerMessage } from "../protocol/mod.ts";
import { parseFlags } from "./args.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { runLineMode } from "./join_lines.ts";
import { runTerminal } from "./join_terminal.ts";

const USAGE = `Usage: chat join HOST[:PORT] [options]

Joins the chat server at HOST (port 7777 unless given). The passkey comes from
$CHAT_PASSKEY or is asked for on the terminal.

Options:
  --nick NAME     your nick (asked for on a terminal; else your user name)
  --room NAME     room to start in (default lobby)
  --json          print events as JSON Lines, one object per line
  -h, --help      this help

On a terminal, type /help for commands. With standard input piped, every line is
sent (commands work too) and chat join exits once all are acknowledged.`;

/** Where events go until the chosen front end is ready, and after. */
export class EventSink {
  #show: ((event: DisplayEvent) => void) | undefined;
  #early: DisplayEvent[] = [];
  readonly cursor = new HistoryCursor();

  /** Receives a server message from the client. */
  receive(message: ServerMessage): void {
    this.cursor.observe(message);
    const event = toDisplayEvent(message);
    if (event === undefined) return;
    if (this.#show === undefined) this.#early.push(event);
    else this.#show(event);
  }

  /** Starts showing events, first the ones that arrived before. */
  attach(show: (event: DisplayEvent) => void): void {
    this.#show = show;
    for (const event of this.#early) show(event);
    this.#early = [];
  }
}

/** `chat join`. */
export async function join(args: string[]): Promise<number> {
  const { flags, positional } = parseFlags("join", args, {
    string: ["nick", "room"],
    boolean: ["json"],
  });
  if (flags.help) {
    console.log(USAGE);
    return ExitCode.OK;
  }
  if (positional.length !== 1) {
    throw new CliError(
      'Give the server address, such as "chat join 192.168.1.20:7777".',
      ExitCode.USAGE,
    );
  }
  let address: { hostname: string; port: number };
  try {
    address = parseAddress(positional[0]);
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.USAGE);
  }
  const json = flags.json === true;
  const interactive = Deno.stdin.isTerminal();
  const terminalUi = interactive && Deno.stdout.isTerminal() && !json;
  colors.setColorEnabled(terminalUi && !Deno.noColor);

  let nick = typeof flags.nick === "string" ? flags.nick : undefined;
  nick ??= interactive ? askNick() : defaultNick();
  let passkey = Deno.env.get("CHAT_PASSKEY") || undefined;
  if (passkey === undefined) {
    if (!interactive) {
      throw new CliError(
        "No passkey: set CHAT_PASSKEY, or run chat join on a terminal to be asked for it.",
        ExitCode.USAGE,
      );
    }
    passkey = askPasskey();
  }

  const sink = new EventSink();
  let closeError: ChatError | undefined;
  let client: ChatClient;
  for (;;) {
    try {
      client = await ChatClient.connect({
        ...address,
        nick,
        passkey,
        room: typeof flags.room === "string" ? flags.room : undefined,
        onMessage: (message) => sink.receive(message),
        onClose: (error) => closeError = error,
      });
      break;
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      if (interactive && error.code === "bad_passkey") {
        console.error(colors.red(error.message));
        passkey = askPasskey();
      } else if (interactive && (error.code === "nick_taken" || error.code === "nick_invalid")) {
        console.error(colors.red(error.message));
        nick = askNick();
      } else {
        throw toCliError(error);
      }
    }
  }
  const context = { client, sink, json, closeError: () => closeError };
  return terminalUi ? await runTerminal(context) : await runLineMode(context);
}

/** The state both front ends share. */
export interface JoinContext {
  client: ChatClient;
  sink: EventSink;
  json: boolean;
  /** Why the connection closed, once it has, unless it was an orderly quit. */
  closeError(): ChatError | undefined;
}

/** Maps a client failure to the CLI's sentence and exit code. */
export function toCliError(error: ChatError): CliError {
  switch (error.code) {
    case "bad_passkey":
      return new CliError(`The server refused the passkey: ${error.message}`, ExitCode.BAD_PASSKEY);
    case "nick_taken":
    case "nick_invalid":
      return new CliError(error.message, ExitCode.BAD_NICK);
    case "room_invalid":
      return new CliError(error.message, ExitCode.USAGE);
    default:
      return new CliError(error.message);
  }
}

function defaultNick(): string {
  const user = Deno.env.get("USER") ?? Deno.env.get("USERNAME") ?? "";
  return nickProblem(user) === undefined ? user : "guest";
}

function askNick(): string {
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

function askPasskey(): string {
  for (;;) {
    const answer = promptSecret("Passkey:");
    if (answer === null) throw new CliError("No passkey given.", ExitCode.USAGE);
    if (answer.trim() !== "") return answer.trim();
  }
}
