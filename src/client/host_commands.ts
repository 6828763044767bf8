/**
 * The host controls as slash commands (PROTOCOL.md section 3.5): `/kick`, `/ban`, `/room set`…
 * Each parses straight into the request the server is sent, without its `rid`, so the terminal,
 * the web page and a script piping lines into `chat join` ask for exactly the same thing. The
 * server decides who may; the parser only checks the shape of the line, and says the usage when
 * it is wrong.
 *
 * @module
 */
import {
  type ClientMessage,
  MAX_SANCTION_S,
  MAX_SLOW_S,
  type ServerMessage,
} from "../protocol/mod.ts";
import { parseDuration } from "../util/duration.ts";

/** The types of the host control requests. */
export type HostRequestType =
  | "op"
  | "deop"
  | "kick"
  | "ban"
  | "unban"
  | "bans"
  | "mute"
  | "unmute"
  | "audit"
  | "topic"
  | "room_set"
  | "release"
  | "devices";

type WithoutRid<Message> = Message extends unknown ? Omit<Message, "rid"> : never;

/** A host control request as a command builds it; the client adds the `rid` when it sends it. */
export type HostRequest = WithoutRid<Extract<ClientMessage, { type: HostRequestType }>>;

/** The reply that carries a host control request out, by request type. */
export const HOST_REPLIES = {
  op: "done",
  deop: "done",
  kick: "done",
  ban: "done",
  unban: "done",
  bans: "ban_list",
  mute: "done",
  unmute: "done",
  audit: "audit_list",
  topic: "done",
  room_set: "room_settings",
  release: "done",
  devices: "device_list",
} as const satisfies Record<HostRequestType, ServerMessage["type"]>;

/** What a host command line asks for, or `undefined` for a line that is not one. */
export type HostInput =
  | { kind: "host"; request: HostRequest }
  /** `/topic` alone: show the topic of the room on screen. */
  | { kind: "topic" }
  /** `/room [ROOM]`: its settings; the room on screen when none is named. */
  | { kind: "room"; room?: string }
  | { kind: "invalid"; message: string };

/** One line of `/help` for the host controls. */
export const HOST_COMMANDS: readonly { usage: string; summary: string }[] = [
  { usage: "/op NICK", summary: "make NICK an operator (/deop NICK undoes it)" },
  { usage: "/kick NICK [REASON]", summary: "disconnect NICK; they may come back" },
  {
    usage: "/ban NICK [-a] [TIME] [REASON]",
    summary: "keep NICK's owner out (for TIME: 10m, 2h, 7d); -a: their address too",
  },
  { usage: "/unban NICK|ADDRESS", summary: "lift a ban (/bans lists them)" },
  { usage: "/mute NICK [TIME] [REASON]", summary: "NICK may read but not post (/unmute NICK)" },
  { usage: "/audit [N]", summary: "the newest N entries of the audit log (default 20)" },
  { usage: "/topic [TEXT]", summary: "set this room's topic (alone: show it; /topic - clears)" },
  { usage: "/room [ROOM]", summary: "a room's settings" },
  {
    usage: "/room set ROOM S V",
    summary: "announce on|off, passkey SECRET|off, slow 10s|off, files on|off, closed on|off",
  },
  { usage: "/release NICK", summary: "free an owned nick for anyone to claim" },
  { usage: "/devices NICK [remove ID]", summary: "NICK's devices; remove one of them" },
];

/** Default and largest page of `/audit`. */
const AUDIT_DEFAULT = 20;
const AUDIT_MAX = 500;

/**
 * Parses a host control command: `command` is the word after `/`, lowercased, and `rest` the
 * words after it, trimmed. Returns `undefined` when `command` is not a host control.
 *
 * @example
 * ```ts
 * import { parseHostCommand } from "./host_commands.ts";
 * parseHostCommand("ban", "bo 2h spam");
 * // { kind: "host", request: { type: "ban", nick: "bo", duration_s: 7200, reason: "spam" } }
 * parseHostCommand("msg", "bo hi"); // undefined
 * ```
 */
export function parseHostCommand(command: string, rest: string): HostInput | undefined {
  const words = rest === "" ? [] : rest.split(/\s+/);
  const usage = (text: string): HostInput => ({ kind: "invalid", message: `Usage: ${text}` });
  const host = (request: HostRequest): HostInput => ({ kind: "host", request });
  const oneNick = (type: "op" | "deop" | "unmute" | "release") =>
    words.length === 1 ? host({ type, nick: words[0] }) : usage(`/${type} NICK`);
  switch (command) {
    case "op":
    case "deop":
    case "unmute":
    case "release":
      return oneNick(command);
    case "kick": {
      if (words.length === 0) return usage("/kick NICK [REASON]");
      const reason = afterWords(rest, 1);
      return host({ type: "kick", nick: words[0], ...(reason === "" ? {} : { reason }) });
    }
    case "ban":
      return sanction("ban", words, rest);
    case "mute":
      return sanction("mute", words, rest);
    case "unban":
      if (words.length !== 1) return usage("/unban NICK or /unban ADDRESS");
      return host(
        isAddress(words[0])
          ? { type: "unban", address: words[0] }
          : { type: "unban", nick: words[0] },
      );
    case "bans":
      return host({ type: "bans" });
    case "audit": {
      if (words.length === 0) return host({ type: "audit", limit: AUDIT_DEFAULT });
      const limit = Number(words[0]);
      return words.length === 1 && /^\d+$/.test(words[0]) && limit >= 1 && limit <= AUDIT_MAX
        ? host({ type: "audit", limit })
        : usage(`/audit [N], where N is a whole number from 1 to ${AUDIT_MAX}`);
    }
    case "topic":
      if (rest === "") return { kind: "topic" };
      return host({ type: "topic", text: rest === "-" || rest === "--clear" ? "" : rest });
    case "room":
      return parseRoom(words);
    case "devices":
      if (words.length === 1) return host({ type: "devices", nick: words[0] });
      return words.length === 3 && words[1].toLowerCase() === "remove"
        ? host({ type: "devices", nick: words[0], remove: words[2] })
        : usage("/devices NICK [remove ID]");
    default:
      return undefined;
  }
}

/**
 * `/ban NICK [-a|--address] [TIME] [REASON]` and `/mute NICK [TIME] [REASON]`: the flag and the
 * duration may come in either order before the reason.
 */
function sanction(type: "ban" | "mute", words: string[], rest: string): HostInput {
  const shape = type === "ban" ? "/ban NICK [-a] [TIME] [REASON]" : "/mute NICK [TIME] [REASON]";
  if (words.length === 0) return { kind: "invalid", message: `Usage: ${shape}` };
  let used = 1;
  let address = false;
  let seconds: number | undefined;
  for (; used < words.length; used++) {
    const word = words[used];
    if (type === "ban" && !address && (word === "-a" || word === "--address")) {
      address = true;
    } else if (seconds === undefined && /^(\d+(s|m|h|d|w))+$/i.test(word)) {
      seconds = Math.round(parseDuration(word)! / 1000);
      if (seconds < 1 || seconds > MAX_SANCTION_S) {
        return {
          kind: "invalid",
          message: `A ${type} lasts from 1s to 366d, not ${word}; leave the time out for no end.`,
        };
      }
    } else break;
  }
  const reason = afterWords(rest, used);
  const common = {
    nick: words[0],
    ...(seconds === undefined ? {} : { duration_s: seconds }),
    ...(reason === "" ? {} : { reason }),
  };
  return {
    kind: "host",
    request: type === "mute"
      ? { type, ...common }
      : { type, ...common, ...(address ? { address: true } : {}) },
  };
}

const SETTINGS_USAGE = "/room set ROOM announce on|off, passkey SECRET|off, slow TIME|off, " +
  "files on|off or closed on|off";

/** `/room [ROOM]`, `/room set ROOM SETTING VALUE`, `/room close ROOM`, `/room open ROOM`. */
function parseRoom(words: string[]): HostInput {
  const [first, room, setting, value, ...extra] = words;
  if (first === undefined) return { kind: "room" };
  const verb = first.toLowerCase();
  if (verb === "close" || verb === "open") {
    return room === undefined || setting !== undefined
      ? { kind: "invalid", message: `Usage: /room ${verb} ROOM` }
      : { kind: "host", request: { type: "room_set", room, closed: verb === "close" } };
  }
  if (verb !== "set") {
    return words.length === 1
      ? { kind: "room", room: first }
      : { kind: "invalid", message: "Usage: /room [ROOM], or " + SETTINGS_USAGE };
  }
  if (room === undefined || setting === undefined || value === undefined || extra.length > 0) {
    return { kind: "invalid", message: `Usage: ${SETTINGS_USAGE}` };
  }
  const change = settingChange(setting.toLowerCase(), value);
  return typeof change === "string"
    ? { kind: "invalid", message: change }
    : { kind: "host", request: { type: "room_set", room, ...change } };
}

type RoomChange = Omit<Extract<HostRequest, { type: "room_set" }>, "type" | "room">;

/** The change one `/room set` setting makes, or why it cannot be made. */
function settingChange(setting: string, value: string): RoomChange | string {
  const onOff = value.toLowerCase() === "on" ? true : value.toLowerCase() === "off" ? false : "";
  switch (setting) {
    case "announce":
    case "files":
    case "closed":
      return onOff === ""
        ? `Usage: /room set ROOM ${setting} on|off`
        : { [setting]: onOff } as RoomChange;
    case "passkey":
      // `off` removes it; any other word becomes the room's passkey.
      return { passkey: value.toLowerCase() === "off" ? "" : value };
    case "slow": {
      if (onOff === false || value === "0") return { slow_s: 0 };
      const ms = parseDuration(value);
      const seconds = ms === undefined ? NaN : Math.round(ms / 1000);
      return seconds >= 1 && seconds <= MAX_SLOW_S
        ? { slow_s: seconds }
        : `Slow mode takes a time from 1s to 1h, such as 10s, or off; not ${value}.`;
    }
    default:
      return `Unknown room setting ${setting}; ${SETTINGS_USAGE}.`;
  }
}

/** `rest` without its first `count` words. */
function afterWords(rest: string, count: number): string {
  return rest.replace(new RegExp(`^(\\S+\\s*){${count}}`), "").trim();
}

/** Whether `/unban`'s argument is an address: IPv4 dotted quad, or IPv6 (a nick has no `:`). */
function isAddress(word: string): boolean {
  return word.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(word);
}
