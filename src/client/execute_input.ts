import type { ChatEvent, ClientMessage } from "../protocol/mod.ts";
import type { ReconnectingClient } from "./reconnecting_client.ts";
import type { HistoryCursor } from "./history_cursor.ts";
import type { Input } from "./commands.ts";
import type { HostRequest } from "./host_commands.ts";
import type {
  ChangeRequest,
  HostReply,
  SearchRequest,
  SearchResults,
} from "./reconnecting_client.ts";
import type { MessageBook } from "./message_book.ts";
import { normalizeRoom } from "../protocol/mod.ts";

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
  /**
   * A request went out; its reply arrives through the client's `onMessage`. For a host control
   * and a search, `answered` also settles with it: resolved by the reply, rejected by the
   * server's error.
   */
  | { kind: "requested"; request: ClientMessage; answered?: Promise<HostReply | SearchResults> }
  /** Something the client knew without asking, such as the topic for `/topic`: one line. */
  | { kind: "note"; text: string }
  | { kind: "help" | "quit" | "empty" }
  /** `/query`: the client switches to the conversation with `nick`, or back to the room. */
  | { kind: "query"; nick?: string }
  | { kind: "invalid"; message: string };

/**
 * What {@linkcode executeInput} needs besides the client: where `/history` pages back from, and
 * the file commands, which the terminal runs on paths and the web page on the browser's files.
 */
export interface InputOptions {
  cursor: HistoryCursor;
  /** The nick of the private conversation on screen (`/query`), if any: lines go to them. */
  conversation?: string;
  /** `/file [PATH]`: to the room, or privately `to` the person of the conversation on screen. */
  upload(path: string | undefined, to?: string): Outcome;
  /** `/get ID [DIR]`. */
  get(id: number, dir: string | undefined): Outcome;
  /**
   * The messages shown so far: `/edit` and `/delete` without an id change the last own one here,
   * and `/reply` to a private message answers privately. Without it they need an id.
   */
  book?: MessageBook;
  /** Replaces `:shortcodes:` in a `/react` emoji (`:+1:` → 👍); without it, sent as typed. */
  emoji?: (text: string) => string;
  /** `/ids on|off`: the client shows, or stops showing, each message's id. */
  showIds?: (on: boolean) => Outcome;
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
  const host = (message: HostRequest): Outcome => {
    const answered = client.call(message);
    // The reply or error is shown through `onMessage` anyway: waiting on it is the caller's choice.
    answered?.catch(() => {});
    return answered === undefined
      ? NOT_CONNECTED
      : { kind: "requested", request: message as ClientMessage, answered };
  };
  const talk = options.conversation;
  switch (input.kind) {
    case "say":
      return {
        kind: "sent",
        acknowledged: talk === undefined
          ? client.send(input.text)
          : client.sendPrivate(talk, input.text),
      };
    case "me":
      if (talk !== undefined) {
        return { kind: "invalid", message: "/me is for rooms; /query alone goes back to yours." };
      }
      return { kind: "sent", acknowledged: client.send(input.text, { action: true }) };
    case "msg":
      return { kind: "sent", acknowledged: client.sendPrivate(input.to, input.text) };
    case "join":
      return request(
        input.passkey === undefined
          ? { type: "join", room: input.room }
          : { type: "join", room: input.room, passkey: input.passkey },
      );
    case "host":
      return host(input.request);
    case "room":
      return host({ type: "room_set", room: input.room ?? client.room });
    case "topic": {
      const topic = client.topic;
      return {
        kind: "note",
        text: topic === undefined
          ? `${client.room} has no topic; an operator sets one with /topic TEXT.`
          : `Topic of ${client.room}: ${topic}`,
      };
    }
    case "nick":
      return request({ type: "nick", nick: input.nick });
    case "files":
      return request(talk === undefined ? { type: "files" } : { type: "files", with: talk });
    case "who":
    case "rooms":
    case "info":
    case "mentions":
    case "back":
      return request({ type: input.kind });
    case "away":
      return request(
        input.text === undefined ? { type: "away" } : { type: "away", text: input.text },
      );
    case "history":
      return request(
        talk === undefined
          ? { type: "history", limit: input.limit, before: options.cursor.before(client.room) }
          : {
            type: "history",
            with: talk,
            limit: input.limit,
            before: options.cursor.beforeWith(talk),
          },
      );
    case "upload":
      return options.upload(input.path, talk);
    case "get":
      return options.get(input.id, input.dir);
    case "reply":
    case "react":
    case "edit":
    case "delete":
    case "ids":
    case "search":
      return executeMessageInput(client, input, options);
    case "query":
      // Where lines go is the client's own state: it shows the switch its own way.
      return { kind: "query", nick: input.nick };
    case "help":
    case "quit":
    case "empty":
    case "invalid":
      return input;
  }
}

/** The message commands of message_commands.ts. */
function executeMessageInput(
  client: ReconnectingClient,
  input: Extract<Input, { kind: "reply" | "react" | "edit" | "delete" | "ids" | "search" }>,
  options: InputOptions,
): Outcome {
  const talk = options.conversation;
  const change = (request: ChangeRequest): Outcome => {
    const acknowledged = client.change(request);
    return acknowledged === undefined ? NOT_CONNECTED : { kind: "sent", acknowledged };
  };
  /** The id given, or the last own message of the place on screen. */
  const target = (id: number | undefined, command: string): number | Outcome => {
    if (id !== undefined) return id;
    const own = options.book?.lastOwn(
      client.nick,
      talk === undefined ? { room: client.room } : { with: talk },
    );
    return own?.id ?? {
      kind: "invalid",
      message: `You have sent nothing here to ${command}; name the message: /${command} ID.`,
    };
  };
  switch (input.kind) {
    case "reply": {
      const original = options.book?.get(input.id);
      // A private message is answered privately, wherever the user is.
      const to = original?.type === "private"
        ? (original.from === client.nick ? original.to : original.from)
        : talk;
      return {
        kind: "sent",
        acknowledged: to === undefined
          ? client.send(input.text, { replyTo: input.id })
          : client.sendPrivate(to, input.text, { replyTo: input.id }),
      };
    }
    case "react": {
      const emoji = options.emoji?.(input.emoji) ?? input.emoji;
      return change(
        input.remove
          ? { type: "react", id: input.id, emoji, remove: true }
          : { type: "react", id: input.id, emoji },
      );
    }
    case "edit": {
      const id = target(input.id, "edit");
      return typeof id === "number" ? change({ type: "edit", id, text: input.text }) : id;
    }
    case "delete": {
      const id = target(input.id, "delete");
      return typeof id === "number" ? change({ type: "delete", id }) : id;
    }
    case "ids":
      return options.showIds?.(input.on) ??
        { kind: "note", text: "/ids only changes what the terminal shows." };
    case "search": {
      const request: SearchRequest = { text: input.text };
      if (input.room !== undefined) request.room = normalizeRoom(input.room).room;
      if (input.with !== undefined) request.with = input.with;
      if (input.from !== undefined) request.from = input.from;
      if (input.before !== undefined) request.before = input.before;
      const answered = client.search(request);
      if (answered === undefined) return NOT_CONNECTED;
      // The results or the error are shown through `onMessage` anyway.
      answered.catch(() => {});
      return {
        kind: "requested",
        request: { type: "search", ...request } as ClientMessage,
        answered,
      };
    }
  }
}
