import type { ChatEvent, ClientMessage } from "../protocol/mod.ts";
import type { ReconnectingClient } from "./reconnecting_client.ts";
import type { HistoryCursor } from "./history_cursor.ts";
import type { Input } from "./commands.js";
import { fetchFile, shareFile } from "./transfer_commands.ts";

const NOT_CONNECTED: Outcome = {
  kind: "invalid",
  message: "Not connected right now; try again once reconnected (messages are queued).",
};

/** What became of one input line. */
export type Outcome =
  | { kind: "sent"; acknowledged: Promise<ChatEvent> }
  /** A transfer running in the background; resolves with a line to show when it is done. */
  | { kind: "transfer"; done: Promise<string | undefined> }
  | { kind: "requested" }
  | { kind: "help" | "quit" | "empty" }
  | { kind: "invalid"; message: string };

/**
 * Carries out a parsed input line on a client. Replies arrive through the client's
 * `onMessage`; a sent message also yields the promise of its acknowledgement.
 */
export function executeInput(
  client: ReconnectingClient,
  input: Input,
  cursor: HistoryCursor,
): Outcome {
  const request = (
    message: Exclude<ClientMessage, { type: "hello" | "send" | "private" }>,
  ): Outcome => client.request(message) ? { kind: "requested" } : NOT_CONNECTED;
  const live = client.current;
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
      return request({ type: "history", limit: input.limit, before: cursor.before(client.room) });
    case "upload":
      return live === undefined
        ? NOT_CONNECTED
        : { kind: "transfer", done: shareFile(live, input.path).then(() => undefined) };
    case "get":
      return live === undefined
        ? NOT_CONNECTED
        : { kind: "transfer", done: fetchFile(live, input.id, input.dir ?? ".") };
    case "help":
    case "quit":
    case "empty":
    case "invalid":
      return input;
  }
}
