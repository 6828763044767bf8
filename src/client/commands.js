// Plain JavaScript with JSDoc types, so the very same parser also runs in the browser client
// (served as /commands.js); Deno reads the types from the JSDoc below.

/**
 * What a line typed (or piped) into `chat join` or the web page asks for.
 *
 * @typedef {{ kind: "say"; text: string }
 *   | { kind: "me"; text: string }
 *   | { kind: "msg"; to: string; text: string }
 *   | { kind: "join"; room: string }
 *   | { kind: "nick"; nick: string }
 *   | { kind: "who" | "rooms" | "info" }
 *   | { kind: "help" | "quit" }
 *   | { kind: "history"; limit?: number }
 *   | { kind: "upload"; path: string }
 *   | { kind: "get"; id: number; dir?: string }
 *   | { kind: "files" }
 *   | { kind: "empty" }
 *   | { kind: "invalid"; message: string }} Input
 */

/** The help text of `/help`, one command a line. */
export const HELP = [
  "/help               this list",
  "/who                who is in this room",
  "/info               room, users online, server uptime, stored messages",
  "/nick NEW           change your nick",
  "/msg NICK TEXT      a private message only NICK sees",
  "/me TEXT            an action: * you TEXT",
  "/join ROOM          move to another room (created on first use)",
  "/rooms              rooms with their member counts",
  "/history [N]        N more earlier messages of this room",
  "/file PATH          share a file with this room (also /send PATH)",
  "/files              files shared on this server",
  "/get ID [DIR]       download file ID (into DIR, default here)",
  "/quit               leave",
  "//text              send a line that starts with /",
].join("\n");

/**
 * Parses one input line. Text that does not start with `/` is a message; `//` escapes a
 * leading slash.
 *
 * @example
 * ```ts
 * import { parseInput } from "./commands.js";
 * parseInput("/msg bob hi there"); // { kind: "msg", to: "bob", text: "hi there" }
 * parseInput("hello"); // { kind: "say", text: "hello" }
 * ```
 *
 * @param {string} line
 * @returns {Input}
 */
export function parseInput(line) {
  if (line.trim() === "") return { kind: "empty" };
  if (!line.startsWith("/")) return { kind: "say", text: line };
  if (line.startsWith("//")) return { kind: "say", text: line.slice(1) };
  const match = /** @type {RegExpExecArray} */ (/^\/(\S*)\s*(.*)$/s.exec(line));
  const command = match[1].toLowerCase();
  const rest = match[2].trim();
  const [first = "", ...others] = rest.split(/\s+/);
  /** @type {(text: string) => Input} */
  const usage = (text) => ({ kind: "invalid", message: `Usage: ${text}` });
  switch (command) {
    case "me":
      return rest === "" ? usage("/me TEXT") : { kind: "me", text: rest };
    case "msg": {
      const text = rest.slice(first.length).trim();
      return first === "" || text === ""
        ? usage("/msg NICK TEXT")
        : { kind: "msg", to: first, text };
    }
    case "join":
      return first === "" || others.length > 0
        ? usage("/join ROOM")
        : { kind: "join", room: first };
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
      return rest === "" ? usage(`/${command} PATH`) : { kind: "upload", path: rest };
    case "get": {
      const id = Number(first);
      return !/^\d+$/.test(first) || id < 1 || others.length > 1
        ? usage("/get ID [DIR], where ID is the number shown with the file")
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
      return {
        kind: "invalid",
        message: `Unknown command /${command}; type /help for the list of commands.`,
      };
  }
}
