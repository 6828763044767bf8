import type { ChatEvent } from "../protocol/mod.ts";
import type { ChatClient } from "./chat_client.ts";
import type { HistoryCursor } from "./history_cursor.ts";
import type { Input } from "./commands.ts";
import { fetchFile, shareFile } from "./transfer_commands.ts";

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
  client: ChatClient,
  input: Input,
  cursor: HistoryCursor,
): Outcome {
  switch (input.kind) {
    case "say":
      return { kind: "sent", acknowledged: client.send(input.text) };
    case "me":
      return { kind: "sent", acknowledged: client.send(input.text, { action: true }) };
    case "msg":
      return { kind: "sent", acknowledged: client.sendPrivate(input.to, input.text) };
    case "join":
      client.request({ type: "join", room: input.room });
      return { kind: "requested" };
    case "nick":
      client.request({ type: "nick", nick: input.nick });
      return { kind: "requested" };
    case "who":
    case "rooms":
    case "info":
      client.request({ type: input.kind });
      return { kind: "requested" };
    case "files":
      client.request({ type: "files", rid: client.rid() });
      return { kind: "requested" };
    case "upload":
      return { kind: "transfer", done: shareFile(client, input.path).then(() => undefined) };
    case "get":
      return { kind: "transfer", done: fetchFile(client, input.id, input.dir ?? ".") };
    case "history":
      client.request({ type: "history", limit: input.limit, before: cursor.before(client.room) });
      return { kind: "requested" };
    case "help":
    case "quit":
    case "empty":
    case "invalid":
      return input;
  }
}
