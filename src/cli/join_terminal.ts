import * as readline from "node:readline";
import process from "node:process";
import * as colors from "@std/fmt/colors";
import {
  callsForAttention,
  completeNick,
  executeInput,
  HELP,
  parseInput,
  renderLine,
  terminalFileCommands,
} from "../client/mod.ts";
import { toCliError } from "./credentials.ts";
import { type JoinContext, track } from "./join_context.ts";

/** The terminal bell (BEL): a terminal beeps, flashes or marks the window, as its user chose. */
const BEL = "\x07";

/**
 * `chat join` on a terminal: a prompt with line editing, history and Tab completion of the
 * room's nicks (node:readline's own line editor, given a completer); incoming events are
 * printed above the line being typed, which survives them intact. What mentions you or is
 * written to you privately rings the bell, unless `--no-bell`.
 */
export async function runTerminal(context: JoinContext): Promise<number> {
  const { client, sink } = context;
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 500,
    // Called with the text left of the cursor; readline replaces `partial` with the completion
    // (even in another case), or lists the completions at a second Tab.
    completer: (before: string): [string[], string] => {
      const { completions, partial } = completeNick(before, sink.members);
      return [completions, partial];
    },
  });
  const promptText = () => colors.bold(`${client.room}> `);
  let open = true;
  const print = (line: string) => {
    if (!open) return void process.stdout.write(line + "\n");
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
    process.stdout.write(line + "\n");
    rl.setPrompt(promptText());
    rl.prompt(true);
  };
  sink.attach((event) => {
    // Before the line: once the line shows, the bell has reached the terminal too.
    if (context.bell && callsForAttention(event, sink.members.self)) process.stdout.write(BEL);
    print(renderLine(event, { self: client.nick }));
  });
  rl.setPrompt(promptText());
  rl.prompt();

  const done = Promise.withResolvers<void>();
  rl.on("line", (line: string) => {
    // The typed line is replaced by the acknowledged one, so it shows once.
    readline.moveCursor(process.stdout, 0, -1);
    readline.clearLine(process.stdout, 0);
    const outcome = executeInput(client, parseInput(line), {
      cursor: sink.cursor,
      ...terminalFileCommands(client),
    });
    if (outcome.kind === "sent") {
      outcome.acknowledged.catch(() => {});
    } else if (outcome.kind === "transfer") {
      track(context.background, outcome.done, sink);
    } else if (outcome.kind === "invalid") {
      print(colors.red(`! ${outcome.message}`));
    } else if (outcome.kind === "help") {
      print(colors.cyan(HELP));
    } else if (outcome.kind === "quit") {
      rl.close();
      return;
    }
    rl.prompt(true);
  });
  rl.on("SIGINT", () => rl.close());
  rl.on("close", () => {
    open = false;
    done.resolve();
  });

  const ended = await Promise.race([done.promise.then(() => "user" as const), client.finished]);
  if (ended === "user") {
    await client.quit();
    return 0;
  }
  rl.close();
  if (ended === undefined) return 0;
  throw toCliError(ended);
}
