/**
 * The commands that act on earlier messages (PROTOCOL.md section 3.6): `/reply`, `/react`,
 * `/unreact`, `/edit`, `/delete`, and `/ids` to see the ids they take, and `/search`. A message is
 * named by its id as `/ids on` shows it, `#12`, or `12`. `/edit` and `/delete` without an id
 * change the last own message of the place on screen, which only the client knows: the parser
 * leaves `id` out and `executeInput()` asks the message book.
 *
 * @module
 */
import { parseSearchQuery } from "./search_query.ts";

/** What a message command line asks for. */
export type MessageInput =
  | { kind: "reply"; id: number; text: string }
  /** `emoji` as typed: `👍` or a shortcode such as `:+1:`, replaced when sent. */
  | { kind: "react"; id: number; emoji: string; remove?: true }
  /** Without `id`: the last own message here. */
  | { kind: "edit"; id?: number; text: string }
  | { kind: "delete"; id?: number }
  | { kind: "ids"; on: boolean }
  | { kind: "search"; text: string; room?: string; with?: string; from?: string; before?: number }
  | { kind: "invalid"; message: string };

/** One line of `/help` for the message commands, in the order `/help` lists them. */
export const MESSAGE_COMMANDS: readonly { usage: string; summary: string }[] = [
  { usage: "/reply ID TEXT", summary: "answer message ID (shown with /ids on), quoting it" },
  {
    usage: "/react ID EMOJI",
    summary: "react to message ID with 👍 or :+1: (-EMOJI takes it back)",
  },
  { usage: "/unreact ID EMOJI", summary: "take your reaction EMOJI back from message ID" },
  { usage: "/edit [ID] TEXT", summary: "change your message ID (default: your last one here)" },
  { usage: "/delete [ID]", summary: "delete your message ID (default: your last one here)" },
  { usage: "/ids on|off", summary: "show each message's #ID, as /reply, /react, /edit take it" },
  {
    usage: "/search TERMS",
    summary: 'find messages you may see: in:ROOM, from:NICK narrow, "a phrase", prefix*',
  },
];

/** A message id as typed: `#12` or `12`. */
const ID = /^#?([1-9]\d*)$/;

/**
 * Parses a message command, given its name (lower case, without `/`) and the rest of the line,
 * or returns `undefined` for a line that is not one.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { parseMessageCommand } from "./message_commands.ts";
 *
 * assertEquals(parseMessageCommand("react", "#12 :+1:"), { kind: "react", id: 12, emoji: ":+1:" });
 * assertEquals(parseMessageCommand("edit", "fixed"), { kind: "edit", text: "fixed" });
 * ```
 */
export function parseMessageCommand(command: string, rest: string): MessageInput | undefined {
  const [first = "", ...others] = rest.split(/\s+/);
  const id = ID.exec(first) === null ? undefined : Number(ID.exec(first)![1]);
  const after = rest.slice(first.length).trim();
  const usage = (text: string): MessageInput => ({ kind: "invalid", message: `Usage: ${text}` });
  switch (command) {
    case "reply":
      return id === undefined || after === ""
        ? usage("/reply ID TEXT, where ID is the number /ids on shows before the message")
        : { kind: "reply", id, text: after };
    case "react":
    case "unreact": {
      const remove = command === "unreact" || after.startsWith("-");
      const emoji = command === "react" && remove ? after.slice(1) : after;
      if (id === undefined || emoji === "" || /\s/.test(emoji)) {
        return usage(
          command === "react"
            ? "/react ID EMOJI (or /react ID -EMOJI to take it back), such as /react 12 :+1:"
            : "/unreact ID EMOJI",
        );
      }
      return remove ? { kind: "react", id, emoji, remove } : { kind: "react", id, emoji };
    }
    case "edit":
      // A lone number is a forgotten text more likely than the new text "12".
      if (rest === "" || (id !== undefined && after === "")) {
        return usage("/edit [ID] TEXT (without ID: your last message here)");
      }
      return id !== undefined ? { kind: "edit", id, text: after } : { kind: "edit", text: rest };
    case "delete":
      if (rest === "") return { kind: "delete" };
      return id === undefined || others.length > 0
        ? usage("/delete [ID] (without ID: your last message here)")
        : { kind: "delete", id };
    case "ids":
      return rest === "on" || rest === "off"
        ? { kind: "ids", on: rest === "on" }
        : usage("/ids on|off");
    case "search":
      return parseSearch(rest) ?? usage("/search TERMS [in:ROOM] [from:NICK]");
    default:
      return undefined;
  }
}

/**
 * `/search` as both clients parse a typed search (`search_query.ts`: `in:ROOM`, `with:NICK`,
 * `from:NICK`), and `before:ID` for the next page. Undefined without any term left.
 */
function parseSearch(rest: string): MessageInput | undefined {
  let before: number | undefined;
  const typed = rest.replace(/(?<=^|\s)before:(\S+)/giu, (token, id: string) => {
    const match = ID.exec(id);
    if (match === null) return token;
    before = Number(match[1]);
    return "";
  });
  const query = parseSearchQuery(typed);
  if (query.text === "") return undefined;
  return { kind: "search", ...query, ...(before === undefined ? {} : { before }) };
}
