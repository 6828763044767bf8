import { TextLineStream } from "@std/streams/text-line-stream";
import {
  callsForAttention,
  HELP,
  parseInput,
  renderEvent,
  replaceShortcodes,
  terminalFileCommands,
} from "../client/mod.ts";
import { ChatError, type ReconnectingClient } from "../client/mod.ts";
import { CliError } from "./cli_error.ts";
import { toCliError } from "./credentials.ts";
import { type JoinContext, track } from "./join_context.ts";
import { JoinPlace } from "./join_place.ts";

/**
 * `chat join` for scripts: every stdin line is sent, every event printed on stdout (JSON Lines
 * with --json); at end of input it waits for every acknowledgement, then leaves.
 */
export async function runLineMode(context: JoinContext): Promise<number> {
  const { client, sink, json } = context;
  // `/ids on` in a script: each message line starts with its id.
  let ids = false;
  sink.attach((event) => {
    if (context.bell && callsForAttention(event, sink.members.self)) ringBell();
    if (json) return write(JSON.stringify(event));
    const line = renderEvent(event, { self: client.nick, ids });
    if (event.type === "error") console.error(line);
    else write(line);
  });

  // `/query NICK` works in a script too: the lines after it go to NICK.
  const place = new JoinPlace(client, (event) => sink.local(event));
  let refused = 0;
  const acknowledgements: Promise<unknown>[] = [];
  const reading = (async () => {
    // Lines act in the room the server put us in: /topic, /room and /history need to know it.
    await Promise.race([client.entered, client.finished]);
    const lines: ReadableStream<string> = Deno.stdin.readable
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new TextLineStream());
    for await (const line of lines) {
      const outcome = place.run(parseInput(replaceShortcodes(line)), {
        cursor: sink.cursor,
        book: sink.book,
        showIds: (on) => {
          ids = on;
          return { kind: "empty" };
        },
        ...terminalFileCommands(client),
      });
      if (outcome.kind === "sent") {
        acknowledgements.push(outcome.acknowledged.catch(() => refused++));
      } else if (outcome.kind === "transfer") {
        acknowledgements.push(
          track(context.background, outcome.done, sink).then((ok) => {
            if (!ok) refused++;
          }),
        );
      } else if (outcome.kind === "requested" && outcome.answered !== undefined) {
        // A host control: a script learns from the exit code whether it was carried out.
        acknowledgements.push(outcome.answered.catch(() => refused++));
      } else if (outcome.kind === "note") {
        sink.local({ type: "system", event: "note", text: outcome.text });
      } else if (outcome.kind === "invalid") {
        console.error(outcome.message);
        refused++;
      } else if (outcome.kind === "help") {
        console.error(HELP);
      } else if (outcome.kind === "quit") {
        break;
      }
    }
  })();

  const ended = await Promise.race([
    reading.then(() => "input" as const),
    client.finished.then((error) => error ?? new ChatError("closed", "The connection ended.")),
  ]);
  if (ended !== "input") throw toCliError(ended);
  const outage = watchOutage(client);
  const drained = (async () => {
    await Promise.all(acknowledgements);
    // Downloads started by --auto-download finish before we leave.
    while (context.background.size > 0) await Promise.all([...context.background]);
  })();
  const stop = await Promise.race([drained.then(() => undefined), outage.promise]);
  outage.cancel();
  await client.quit();
  if (stop !== undefined) throw typeof stop === "string" ? new CliError(stop) : toCliError(stop);
  if (refused > 0) {
    throw new CliError(`${refused} of the input lines were refused; see the errors above.`);
  }
  return 0;
}

function write(line: string): void {
  try {
    console.log(line);
  } catch {
    // stdout went away (a closed pipe): nobody is left to read events.
  }
}

/** The terminal bell (BEL). */
const BEL = new Uint8Array([0x07]);

/**
 * Rings the terminal bell on stdout if it is a terminal, else on stderr (`--bell` with output
 * piped, as to jq), so that no BEL byte ever lands among the lines a program reads.
 */
function ringBell(): void {
  const terminal = Deno.stdout.isTerminal() ? Deno.stdout : Deno.stderr;
  try {
    terminal.writeSync(BEL);
  } catch {
    // Nobody is left to hear it.
  }
}

/** How long input that has ended may wait for a lost server to come back. */
const OUTAGE_LIMIT_MS = 60_000;

/**
 * Resolves with a sentence if the client stays disconnected for {@linkcode OUTAGE_LIMIT_MS}, or
 * gives up, while messages still wait: a script must end some time.
 */
function watchOutage(
  client: ReconnectingClient,
): { promise: Promise<string | ChatError>; cancel(): void } {
  const { promise, resolve } = Promise.withResolvers<string | ChatError>();
  let since: number | undefined;
  const timer = setInterval(() => {
    if (client.current !== undefined) since = undefined;
    else if ((since ??= Date.now()) + OUTAGE_LIMIT_MS <= Date.now()) {
      resolve(
        `The server has been unreachable for ${OUTAGE_LIMIT_MS / 1000} s; ` +
          `${client.unacknowledged} messages were not delivered.`,
      );
    }
  }, 250);
  client.finished.then((error) => {
    if (error !== undefined) resolve(error);
  });
  return { promise, cancel: () => clearInterval(timer) };
}
