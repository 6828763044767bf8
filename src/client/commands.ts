/**
 * The slash commands of `chat join` and of the web page: one parser and one help table for both,
 * so the two clients cannot drift apart. Where a command works differently in a browser (it
 * cannot read a path on disk, it saves where the browser saves downloads), the table says so in
 * the browser's own words.
 *
 * @module
 */

import { HOST_COMMANDS, type HostInput, parseHostCommand } from "./host_commands.ts";
import { MESSAGE_COMMANDS, type MessageInput, parseMessageCommand } from "./message_commands.ts";

/** What a line typed (or piped) into `chat join` or the web page asks for. */
export type Input =
  | { kind: "say"; text: string }
  | { kind: "me"; text: string }
  | { kind: "msg"; to: string; text: string }
  /** `/join ROOM [PASSKEY]`: the passkey of a room that has one of its own. */
  | { kind: "join"; room: string; passkey?: string }
  | { kind: "nick"; nick: string }
  | { kind: "who" | "rooms" | "info" | "files" }
  | { kind: "help" | "quit" }
  | { kind: "history"; limit?: number }
  /** `/query NICK`: talk privately with NICK; `/query` alone: back to the room. */
  | { kind: "query"; nick?: string }
  | { kind: "mentions" | "back" }
  | { kind: "away"; text?: string }
  /** `/file` alone: the web page opens its file chooser; the terminal needs a path. */
  | { kind: "upload"; path?: string }
  | { kind: "get"; id: number; dir?: string }
  | { kind: "empty" }
  | { kind: "invalid"; message: string }
  /** Replies, reactions, edits, deletes and search: message_commands.ts. */
  | MessageInput
  /** The host controls (`/kick`, `/ban`, `/room set`…): host_commands.ts. */
  | HostInput;

/** Which client shows the help. */
export type HelpAudience = "terminal" | "browser";

/** One line of `/help`: how to type the command and what it does. */
export interface CommandHelp {
  usage: string;
  summary: string;
  /** How the web page offers it, where that differs. */
  browser?: { usage: string; summary: string };
}

/** Every command, in the order `/help` lists them. */
export const COMMANDS: readonly CommandHelp[] = [
  { usage: "/help", summary: "this list" },
  { usage: "/who", summary: "who is in this room" },
  { usage: "/info", summary: "room, users online, server uptime, stored messages" },
  { usage: "/nick NEW", summary: "change your nick" },
  { usage: "/msg NICK TEXT", summary: "a private message only NICK sees" },
  { usage: "/query NICK", summary: "talk privately with NICK (/query alone: back to the room)" },
  { usage: "/me TEXT", summary: "an action: * you TEXT" },
  {
    usage: "/join ROOM [KEY]",
    summary: "move to another room (created on first use; KEY: its own passkey, if it has one)",
  },
  { usage: "/rooms", summary: "rooms with their member counts" },
  { usage: "/history [N]", summary: "N more earlier messages of this room or conversation" },
  { usage: "/mentions", summary: "recent messages that mention you" },
  { usage: "/away [TEXT]", summary: "tell others you are away, with why if you like" },
  { usage: "/back", summary: "you are back: /away no longer shows" },
  {
    usage: "/file PATH",
    summary: "share a file with this room or conversation (also /send PATH)",
    browser: {
      usage: "/file",
      summary: "choose files to share here, room or conversation (or File, or drop them)",
    },
  },
  { usage: "/files", summary: "files of the rooms you joined, or of this conversation, with ids" },
  {
    usage: "/get ID [DIR]",
    summary: "download file ID (into DIR, default here)",
    browser: { usage: "/get ID", summary: "download file ID, checked by SHA-256" },
  },
  ...MESSAGE_COMMANDS,
  { usage: "/quit", summary: "leave" },
  { usage: "//text", summary: "send a line that starts with /" },
];

/**
 * The text of `/help` for one client, one command a line.
 *
 * @example
 * ```ts
 * import { helpText } from "./commands.ts";
 * helpText("browser").split("\n")[0]; // "/help               this list"
 * ```
 */
export function helpText(audience: HelpAudience): string {
  const line = (width: number) => ({ usage, summary }: { usage: string; summary: string }) =>
    `${usage.padEnd(width)} ${summary}`;
  const hostWidth = Math.max(...HOST_COMMANDS.map((command) => command.usage.length));
  return [
    ...COMMANDS.map((command) =>
      line(19)(audience === "browser" ? command.browser ?? command : command)
    ),
    "",
    "For operators (the host, and those it made operators); others are not permitted:",
    ...HOST_COMMANDS.map(line(hostWidth)),
  ].join("\n");
}

/** The help text of `/help` in `chat join`. */
export const HELP: string = helpText("terminal");

/**
 * Parses one input line. Text that does not start with `/` is a message; `//` escapes a
 * leading slash.
 *
 * @example
 * ```ts
 * import { parseInput } from "./commands.ts";
 * parseInput("/msg bob hi there"); // { kind: "msg", to: "bob", text: "hi there" }
 * parseInput("hello"); // { kind: "say", text: "hello" }
 * ```
 */
export function parseInput(line: string): Input {
  if (line.trim() === "") return { kind: "empty" };
  if (!line.startsWith("/")) return { kind: "say", text: line };
  if (line.startsWith("//")) return { kind: "say", text: line.slice(1) };
  const match = /^\/(\S*)\s*(.*)$/s.exec(line)!;
  const command = match[1].toLowerCase();
  const rest = match[2].trim();
  const [first = "", ...others] = rest.split(/\s+/);
  const usage = (text: string): Input => ({ kind: "invalid", message: `Usage: ${text}` });
  switch (command) {
    case "me":
      return rest === "" ? usage("/me TEXT") : { kind: "me", text: rest };
    case "msg": {
      const text = rest.slice(first.length).trim();
      return first === "" || text === ""
        ? usage("/msg NICK TEXT")
        : { kind: "msg", to: first, text };
    }
    case "query":
      return others.length > 0
        ? usage("/query NICK, or /query alone to go back to the room")
        : first === ""
        ? { kind: "query" }
        : { kind: "query", nick: first };
    case "away":
      return rest === "" ? { kind: "away" } : { kind: "away", text: rest };
    case "mentions":
    case "back":
      return { kind: command };
    case "join":
      return first === "" || others.length > 1
        ? usage("/join ROOM [PASSKEY]")
        : others.length === 0
        ? { kind: "join", room: first }
        : { kind: "join", room: first, passkey: others[0] };
    case "nick":
      return first === "" || others.length > 0 ? usage("/nick NEW") : { kind: "nick", nick: first };
    case "history": {
      if (rest === "") return { kind: "history" };
      const limit = Number(rest);
      return Number.isInteger(limit) && limit > 0
        ? { kind: "history", limit }
        : usage("/history [N], where N is a positive whole number");
    }
    case "file":
    case "send":
      return rest === "" ? { kind: "upload" } : { kind: "upload", path: rest };
    case "get": {
      const id = Number(first);
      return !/^\d+$/.test(first) || id < 1 || others.length > 1
        ? usage("/get ID [DIR], where ID is the number shown with the file")
        : others.length === 0
        ? { kind: "get", id }
        : { kind: "get", id, dir: others[0] };
    }
    case "files":
    case "who":
    case "rooms":
    case "info":
    case "help":
    case "quit":
      return { kind: command };
    default:
      return parseMessageCommand(command, rest) ?? parseHostCommand(command, rest) ?? {
        kind: "invalid",
        message: `Unknown command /${command}; type /help for the list of commands.`,
      };
  }
}
