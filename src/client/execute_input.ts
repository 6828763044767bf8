import type { ChatEvent, ClientMessage } from "../protocol/mod.ts";
import type { ReconnectingClient } from "./reconnecting_client.ts";
import type { HistoryCursor } from "./history_cursor.ts";
import type { Input } from "./commands.ts";

/** The outcome of a command that needs the connection while there is none. */
export const NOT_CONNECTED: Outcome = {
  kind: "invalid",
  message: "Not connected right now; try again once reconnected (messages are queued).",
};

/** What became of one input line. */
export type Outcome =
  | { kind: "sent"; acknowledged: Promise<ChatEvent> }
  /** A transfer running in the background; resolves with a line to show when it is done. */
  | { kind: "transfer"; done: Promise<string | undefined> }
  /** A request went out; its reply arrives through the client's `onMessage`. */
  | { kind: "requested"; request: ClientMessage }
  | { kind: "help" | "quit" | "empty" }
  | { kind: "invalid"; message: string };

/**
 * What {@linkcode executeInput} needs besides the client: where `/history` pages back from, and
 * the file commands, which the terminal runs on paths and the web page on the browser's files.
 */
export interface InputOptions {
  cursor: HistoryCursor;
  /** `/file [PATH]`. */
  upload(path: string | undefined): Outcome;
  /** `/get ID [DIR]`. */
  get(id: number, dir: string | undefined): Outcome;
}

/**
 * Carries out a parsed input line on a client, the same way in the terminal and in the browser.
 * Replies arrive through the client's `onMessage`; a sent message also yields the promise of
 * its acknowledgement.
 *
 * @example
 * ```ts ignore
 * const outcome = executeInput(client, parseInput("/who"), { cursor, upload, get });
 * outcome.kind; // "requested", or "invalid" while disconnected
 * ```
 */
export function executeInput(
  client: ReconnectingClient,
  input: Input,
  options: InputOptions,
): Outcome {
  const request = (
    message: Exclude<ClientMessage, { type: "hello" | "send" | "private" }>,
  ): Outcome => client.request(message) ? { kind: "requested", request: message } : NOT_CONNECTED;
  switch (input.kind) {
    case "say":
      return { kind: "sent", acknowledged: client.send(input.text) };
    case "me":
      return { kind: "sent", acknowledged: client.send(input.text, { action: true }) };
    case "msg":
      return { kind: "sent", acknowledged: client.sendPrivate(input.to, input.text) };
    case "join":
      return request({ type: "join", room: input.room });
    case "nick":
      return request({ type: "nick", nick: input.nick });
    case "who":
    case "rooms":
    case "info":
    case "files":
      return request({ type: input.kind });
    case "history":
      return request({
        type: "history",
        limit: input.limit,
        before: options.cursor.before(client.room),
      });
    case "upload":
      return options.upload(input.path);
    case "get":
      return options.get(input.id, input.dir);
    case "help":
    case "quit":
    case "empty":
    case "invalid":
      return input;
  }
}
