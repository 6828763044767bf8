/**
 * `chat search`: full-text search from a script (PROTOCOL.md section 3.6). It logs in as the
 * person does, under their nick, as `chat export` does: what may be searched is what that person
 * may see, the rooms they joined and their own private conversations, and a connection without
 * presence borrows a nick without being its owner. Results are printed newest first, one a line,
 * paging with `before` until `--limit`. Nothing found is not a failure: exit 0, with the sentence
 * on stderr so that stdout holds only results.
 *
 * @module
 */
import {
  ChatError,
  formatClock,
  sanitize,
  type SearchRequest,
  type SearchResult,
} from "../client/mod.ts";
import { MAX_SEARCH_PAGE, normalizeRoom, type ServerMessage } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";
import { addressArgument, PASSKEY_NOTE, toCliError } from "./credentials.ts";
import { connectForFiles } from "./login.ts";

const SEARCH_FLAGS = defineFlags({
  room: { kind: "string", value: "ROOM", help: "only in ROOM (one you joined)" },
  with: { kind: "string", value: "NICK", help: "only your private conversation with NICK" },
  from: { kind: "string", value: "NICK", help: "only what NICK wrote" },
  limit: {
    kind: "integer",
    value: "N",
    min: 1,
    max: 10_000,
    default: 20,
    help: "at most N results, the newest (default 20)",
  },
  json: {
    kind: "boolean",
    help: "one JSON object per line: type, id, ts, room, from, text,\n" +
      "and to (a private message) and edited where they apply",
  },
  nick: { kind: "string", value: "NAME", help: "who searches (default: your user name)" },
  ...CLIENT_TLS_FLAGS,
});

type Results = Extract<ServerMessage, { type: "search_results" }>;

/** `chat search`. */
export const search: Command = defineCommand({
  name: "search",
  usage: "HOST[:PORT] TERMS… [--room R|--with NICK] [--from NICK] [--limit N] [--json]",
  description: "Finds the messages you may see (the rooms you joined, your private " +
    "conversations) that contain every word of TERMS, newest first: whole words in any script, " +
    'word* for a prefix, "two words" for a phrase. One line a result: #ID TIME ROOM FROM: TEXT ' +
    '(→ NICK for a private message). Prints "No messages found." on stderr and exits 0 when ' +
    `nothing matches. ${PASSKEY_NOTE}`,
  flags: SEARCH_FLAGS,
  helpColumn: 18,
  run: ({ flags, positional }) => runSearch(flags, positional),
});

async function runSearch(flags: Flags<typeof SEARCH_FLAGS>, positional: string[]): Promise<number> {
  const address = addressArgument(positional[0], "search");
  // A word the shell kept together with spaces ("two words") was a phrase.
  const text = positional.slice(1)
    .map((word) => /\s/.test(word.trim()) && !word.includes('"') ? `"${word.trim()}"` : word)
    .join(" ").trim();
  if (text === "") {
    throw new CliError(
      'Give the words to find, such as "chat search 192.168.1.20 lunch".',
      ExitCode.USAGE,
    );
  }
  if (flags.room !== undefined && flags.with !== undefined) {
    throw new CliError("Give --room or --with, not both.", ExitCode.USAGE);
  }
  const request: SearchRequest = { text };
  if (flags.room !== undefined) request.room = normalizeRoom(flags.room).room;
  if (flags.with !== undefined) request.with = flags.with;
  if (flags.from !== undefined) request.from = flags.from;
  let client;
  try {
    client = await connectForFiles(address, {
      tls: tlsTrust(flags),
      nick: flags.nick,
      presence: true,
      command: "search",
    });
    let shown = 0;
    let before: number | undefined;
    const now = new Date();
    for (;;) {
      const page: Results = await client.call({
        type: "search",
        rid: client.rid(),
        ...request,
        before,
        limit: Math.min(MAX_SEARCH_PAGE, flags.limit - shown),
      }, "search_results");
      for (const result of page.events) {
        console.log(flags.json ? JSON.stringify(result) : resultLine(result, now));
      }
      shown += page.events.length;
      if (!page.more || page.events.length === 0 || shown >= flags.limit) break;
      before = page.events.at(-1)!.id;
    }
    if (shown === 0) console.error("No messages found.");
    await client.quit();
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof ChatError && error.code === "not_permitted" && request.room) {
      throw new CliError(
        `You have not joined ${request.room}, so it cannot be searched; join it first ` +
          `(chat join HOST --room ${request.room}).`,
      );
    }
    throw error instanceof ChatError ? toCliError(error) : error;
  } finally {
    client?.close();
  }
}

/** One result as a line: `#12 09:30 lobby ana: text`, or `→ ben` for a private message. */
function resultLine(result: SearchResult, now: Date): string {
  const where = result.to === undefined ? result.room : `→ ${result.to}`;
  const edited = result.edited ? " (edited)" : "";
  return sanitize(
    `#${result.id} ${formatClock(result.ts, now)} ${where} ${result.from}: ${result.text}${edited}`,
  );
}
