import * as readline from "node:readline";
import process from "node:process";
import * as colors from "@std/fmt/colors";
import {
  AUTO_AWAY_MS,
  AutoAway,
  callsForAttention,
  completeNick,
  completeShortcode,
  type DisplayEvent,
  HELP,
  parseInput,
  type PresenceRequest,
  ReadReporter,
  renderEvent,
  renderLine,
  replaceShortcodes,
  terminalFileCommands,
} from "../client/mod.ts";
import { toCliError } from "./credentials.ts";
import { type JoinContext, track } from "./join_context.ts";
import { JoinPlace } from "./join_place.ts";

/** The terminal bell (BEL): a terminal beeps, flashes or marks the window, as its user chose. */
const BEL = "\x07";

/** How often the terminal looks at the clock: for read reports and going away by itself. */
const TICK_MS = 1000;

/**
 * `chat join` on a terminal: a prompt with line editing, history and Tab completion of the
 * room's nicks and of `:shortcodes:` (replaced by their emoji when the line is sent) (node:readline's own line editor, given a completer); incoming events are
 * printed above the line being typed, which survives them intact. What mentions you or is
 * written to you privately rings the bell, unless `--no-bell`.
 *
 * The prompt names the place: the room, or `[ben]` in the conversation `/query ben` opened.
 * Everything shown counts as read where the user is: the server is told at most every few
 * seconds, and at once on leaving a place or quitting (`ReadReporter`). Ten minutes without a
 * keystroke mark the user away, and the next keystroke back (`AutoAway`). While the user types a
 * message the others are told (`typing`, at most every three seconds), and who is typing in the
 * place on screen shows before the prompt: `(ana is typing…) lobby> `.
 */
export async function runTerminal(context: JoinContext): Promise<number> {
  const { client, sink } = context;
  const now = Date.now;
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 500,
    // Called with the text left of the cursor; readline replaces `partial` with the completion
    // (even in another case), or lists the completions at a second Tab.
    completer: (before: string): [string[], string] => {
      const emoji = completeShortcode(before);
      const { completions, partial } = emoji.completions.length > 0
        ? emoji
        : completeNick(before, sink.members);
      return [completions, partial];
    },
  });
  const place = new JoinPlace(client, (event) => sink.local(event));
  const reads = new ReadReporter(sink.unread, {
    get connected() {
      return client.current !== undefined;
    },
    request: (message) => client.request(message),
  }, { now });
  const away = new AutoAway({ now });
  const tell = (request: PresenceRequest | undefined) => {
    if (request !== undefined) client.request(request);
  };
  const promptText = () => {
    const typing = sink.typing.text();
    return (typing === "" ? "" : colors.dim(`(${typing}) `)) + colors.bold(`${place.label}> `);
  };
  let open = true;
  // `/ids on`: each message line starts with its id, which /reply, /react and /edit take.
  let ids = false;
  // Who is typing changes by itself (six seconds after the last signal): redrawn then.
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const redrawTyping = () => {
    clearTimeout(typingTimer);
    if (!open) return;
    rl.setPrompt(promptText());
    rl.prompt(true);
    const next = sink.typing.nextChange();
    if (next !== undefined) typingTimer = setTimeout(redrawTyping, Math.max(0, next - now()));
  };
  const showPlace = () => {
    reads.show(place.place);
    sink.typing.show(place.place);
    redrawTyping();
  };
  const print = (line: string) => {
    if (!open) return void process.stdout.write(line + "\n");
    readline.clearLine(process.stdout, 0);
    readline.cursorTo(process.stdout, 0);
    process.stdout.write(line + "\n");
    rl.setPrompt(promptText());
    rl.prompt(true);
  };
  const show = (event: DisplayEvent) => {
    // Before the line: once the line shows, the bell has reached the terminal too.
    if (context.bell && callsForAttention(event, sink.members.self)) process.stdout.write(BEL);
    print(renderEvent(event, { self: client.nick, ids }));
    const hint = place.hint(event);
    if (hint !== undefined) print(renderLine(hint, { self: client.nick }));
    // A new room (after /join) is the place on screen once the server says so.
    if (event.event === "joined") showPlace();
    // Presence ends with a connection: an absence goes on in the new one.
    if (event.event === "reconnected") tell(away.restore());
  };
  reads.show(place.place);
  sink.typing.show(place.place);
  sink.attach(show);
  sink.watchTyping(redrawTyping);
  rl.setPrompt(promptText());
  rl.prompt();

  // Any key is the user at the keyboard; node:readline announces each on its input stream,
  // after its own listener has put it into the line.
  const keystroke = () => {
    tell(away.keystroke());
    const members = "with" in place.place ? undefined : sink.members.nicks.length;
    const typing = sink.typing.typed(rl.line, members);
    if (typing !== undefined && client.request(typing)) sink.typing.sent();
  };
  process.stdin.on("keypress", keystroke);
  const ticker = setInterval(() => {
    reads.tick();
    const gone = away.check();
    if (gone === undefined) return;
    tell(gone);
    print(colors.cyan(
      `-- No keystroke for ${AUTO_AWAY_MS / 60_000} minutes: you show as away until the next one.`,
    ));
  }, TICK_MS);

  const done = Promise.withResolvers<void>();
  rl.on("line", (line: string) => {
    // The typed line is replaced by the acknowledged one, so it shows once.
    readline.moveCursor(process.stdout, 0, -1);
    readline.clearLine(process.stdout, 0);
    const input = parseInput(replaceShortcodes(line));
    const outcome = place.run(input, {
      cursor: sink.cursor,
      book: sink.book,
      showIds: (on) => {
        ids = on;
        return { kind: "note", text: on ? "Message ids are shown: #12 <ana> …" : "Ids hidden." };
      },
      ...terminalFileCommands(client),
    });
    if (outcome.kind === "requested" && input.kind === "away") {
      away.chose({ type: "away", text: input.text });
    } else if (outcome.kind === "requested" && input.kind === "back") {
      away.chose({ type: "back" });
    }
    // Entering or leaving a conversation; a new room waits for the server's `joined`.
    if (input.kind === "query") showPlace();
    if (outcome.kind === "sent") {
      outcome.acknowledged.catch(() => {});
    } else if (outcome.kind === "requested") {
      // A host control's reply or error is shown as it arrives.
      outcome.answered?.catch(() => {});
    } else if (outcome.kind === "transfer") {
      track(context.background, outcome.done, sink);
    } else if (outcome.kind === "invalid") {
      print(colors.red(`! ${outcome.message}`));
    } else if (outcome.kind === "note") {
      print(
        renderLine({ type: "system", event: "note", text: outcome.text }, { self: client.nick }),
      );
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
  clearInterval(ticker);
  clearTimeout(typingTimer);
  process.stdin.off("keypress", keystroke);
  if (ended === "user") {
    // What was shown last is read: said before the goodbye, on the same connection.
    reads.flush();
    await client.quit();
    return 0;
  }
  rl.close();
  if (ended === undefined) return 0;
  throw toCliError(ended);
}
