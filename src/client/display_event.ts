import { format as formatBytes } from "@std/fmt/bytes";
import {
  type FileInfo,
  type FileListing,
  nickKey,
  type Quote,
  type Reactions,
  type ServerMessage,
} from "../protocol/mod.ts";
import { changeDisplayEvent, messageState, type SearchResult } from "./change_display.ts";
import {
  type AuditEntry,
  type BanListing,
  type DeviceListing,
  hostDisplayEvent,
  type RoomSettings,
} from "./host_display.ts";

/** Values of `type` in `--json` output, as documented in the README. */
export type DisplayType =
  | "message"
  | "action"
  | "private"
  | "notice"
  | "file"
  | "error"
  | "system"
  | "edit"
  | "delete"
  | "reaction";

/**
 * One line of client output: what `--json` prints as a JSON object and what the terminal
 * renders. `text` is always a readable sentence or the message text.
 */
export interface DisplayEvent {
  type: DisplayType;
  text: string;
  room?: string;
  from?: string;
  to?: string;
  id?: number;
  ts?: string;
  history?: true;
  /** Someone else's line mentions you (`@you`); set by `markMention()`, absent otherwise. */
  mention?: true;
  /** For `notice`: join, leave, nick, kick, ban, mute, topic…; for `system`: what happened. */
  event?: string;
  nick?: string;
  /** On a host control's notice: the operator who acted, why, and until when. */
  by?: string;
  reason?: string;
  until?: string;
  /** On `joined` and a `topic` notice: the room's topic (`""` on a notice: cleared). */
  topic?: string;
  /** On `joined` and `users`: those of `users` who are operators. */
  ops?: string[];
  /** On `welcome`: this connection may use the host controls. */
  operator?: true;
  /** For `system` `bans`, `audit`, `room` and `devices`: the host control's listing. */
  bans?: BanListing[];
  entries?: AuditEntry[];
  settings?: RoomSettings;
  devices?: DeviceListing[];
  code?: string;
  users?: string[];
  rooms?: { name: string; users: number }[];
  count?: number;
  more?: boolean;
  /** On a catch-up's `history_end`: events were skipped (more than a catch-up holds). */
  gap?: true;
  online?: number;
  file?: FileInfo;
  files?: FileListing[];
  uptime_s?: number;
  messages?: number;
  server?: string;
  /** For `system` `unread`: where there is something to read. */
  places?: UnreadPlace[];
  /** For `system` `mentions`: the messages that mention you. */
  mentions?: MentionListing[];
  /** For `system` `presence`: whether `nick` went away (true) or came back. */
  away?: boolean;
  /**
   * The nick of a private conversation: on its `history_end`, and on `query` (the terminal
   * switched to it).
   */
  with?: string;
  /** On a reply: the id of the message it answers, and the start of that as it reads now. */
  reply_to?: number;
  quote?: Quote;
  /** On a message whose text its author changed. */
  edited?: true;
  /** On a deleted message (`text` is `""`). */
  deleted?: true;
  /**
   * On a message: who reacted with what. On a `reaction`: the message's reactions after it, when
   * the client has the message.
   */
  reactions?: Reactions;
  /** On `edit`, `delete` and `reaction`: the id of the message changed. */
  ref?: number;
  /** On `reaction`: the emoji, and whether it was taken back. */
  emoji?: string;
  remove?: true;
  /** For `system` `search`: the results, newest first. */
  results?: SearchResult[];
}

/** A place of an `unread_counts`. */
export type UnreadPlace = Extract<ServerMessage, { type: "unread_counts" }>["places"][number];
/** A message of a `mention_list`. */
export type MentionListing = Extract<ServerMessage, { type: "mention_list" }>["events"][number];

/**
 * Turns a server message into the event a user sees, or `undefined` for protocol chatter
 * (pings, pongs, acknowledgements already shown as the acknowledged event).
 *
 * @example
 * ```ts
 * import { toDisplayEvent } from "./display_event.ts";
 * toDisplayEvent({ type: "users", room: "lobby", users: ["ada", "bob"] });
 * // { type: "system", event: "users", room: "lobby", users: [...], text: "In lobby: ada, bob" }
 * ```
 */
export function toDisplayEvent(message: ServerMessage): DisplayEvent | undefined {
  switch (message.type) {
    case "message":
    case "action":
    case "private":
    case "notice": {
      const { type, id, ts, room, from, text, history } = message;
      const to = message.type === "private" ? message.to : undefined;
      if (message.type === "notice") {
        const { event, nick, by, reason, until, topic } = message;
        return { type, room, from, text, id, ts, event, nick, by, reason, until, topic, history };
      }
      return { type, room, from, text, id, ts, to, history, ...messageState(message) };
    }
    case "file": {
      const { id, ts, room, from, text, file, history, to } = message;
      const shown = to === undefined ? text : `${text}, only with ${to}`;
      return {
        type: "file",
        room,
        from,
        to,
        text: `${shown} — /get ${id}`,
        id,
        ts,
        history,
        file,
        ...messageState(message),
      };
    }
    case "unread_counts": {
      const places = message.places.filter((place) => place.unread > 0);
      if (places.length === 0) return undefined;
      return {
        type: "system",
        event: "unread",
        places,
        text: "Unread: " + places.map(describePlace).join("; ") + ".",
      };
    }
    case "activity":
      // Plain activity elsewhere only counts; a mention is worth a line.
      if (!message.mention) return undefined;
      return {
        type: "system",
        event: "mention",
        room: message.room,
        from: message.from,
        id: message.id,
        text: `${message.from} mentioned you in ${message.room} (/join ${message.room}).`,
      };
    case "mention_list":
      return {
        type: "system",
        event: "mentions",
        mentions: message.events,
        more: message.more,
        // `/mentions` always asks for the newest: older ones are not one command away.
        text: message.events.length === 0
          ? "Nobody has mentioned you yet."
          : `Mentions of you${message.more ? ` (the newest ${message.events.length})` : ""}: ` +
            message.events.map((event) => `[${event.room}] ${event.from}: ${event.text}`)
              .join("; ") +
            ".",
      };
    case "presence":
      return {
        type: "system",
        event: "presence",
        nick: message.nick,
        room: message.room,
        away: message.away,
        text: message.away
          ? `${message.nick} is away${message.text ? `: ${message.text}` : ""}.`
          : `${message.nick} is back.`,
      };
    case "upload_done":
      return {
        type: "system",
        event: "shared",
        id: message.id,
        file: message.file,
        text: `You shared ${message.file.name} (${
          formatBytes(message.file.size)
        }) — /get ${message.id}`,
      };
    case "file_list":
      return {
        type: "system",
        event: "files",
        files: message.files,
        text: message.files.length === 0
          ? "No files have been shared yet."
          : "Files: " + message.files.map((file) =>
            `${file.id} ${file.name} (${formatBytes(file.size)}, ${file.from})`
          ).join("; ") + ". /get ID to fetch one.",
      };
    case "error":
      return { type: "error", code: message.code, text: message.message };
    case "welcome":
      return {
        type: "system",
        event: "welcome",
        nick: message.nick,
        server: message.server,
        ...(message.operator ? { operator: true } : {}),
        text: `Connected as ${message.nick} to ${message.server}${
          message.operator ? " as an operator" : ""
        }. Type /help for commands.`,
      };
    case "joined":
      return {
        type: "system",
        event: "joined",
        room: message.room,
        users: message.users,
        ops: message.ops,
        topic: message.topic,
        text: `You are in ${message.room} with ${
          listUsers(message.users, { count: message.count, away: message.away, ops: message.ops })
        }.${message.topic ? ` Topic: ${message.topic}` : ""}`,
      };
    case "history_end": {
      const talk = message.with;
      return {
        type: "system",
        event: "history_end",
        ...(talk === undefined ? { room: message.room } : { with: talk }),
        count: message.count,
        more: message.more,
        ...(message.gap ? { gap: true } : {}),
        text: message.gap
          ? "More than 5,000 events happened while you were away; the newest are shown " +
            "(/history for earlier ones)."
          : message.count === 0
          ? talk === undefined ? "No earlier messages." : `No earlier messages with ${talk}.`
          : `End of history${talk === undefined ? "" : ` with ${talk}`} (${message.count} ` +
            `earlier events${message.more ? "; /history for more" : ""}).`,
      };
    }
    case "users":
      return {
        type: "system",
        event: "users",
        room: message.room,
        users: message.users,
        ops: message.ops,
        text: `In ${message.room}: ${
          listUsers(message.users, { away: message.away, ops: message.ops })
        }.`,
      };
    case "room_list":
      return {
        type: "system",
        event: "rooms",
        rooms: message.rooms,
        text: "Rooms: " +
          message.rooms.map((room) => `${room.name} (${room.users})`).join(", ") + ".",
      };
    case "server_info":
      return {
        type: "system",
        event: "info",
        room: message.room,
        users: message.users,
        online: message.online,
        uptime_s: message.uptime_s,
        messages: message.messages,
        server: message.server,
        text: `Room ${message.room}: ${listUsers(message.users)}. ${message.online} online, ` +
          `up ${formatUptime(message.uptime_s)}, ${message.messages} messages stored ` +
          `(${message.server}).`,
      };
    case "nick_ok":
      return {
        type: "system",
        event: "nick",
        nick: message.nick,
        text: `You are now known as ${message.nick}.`,
      };
    case "bye":
      return {
        type: "system",
        event: "bye",
        text: message.reason === "quit" ? "Disconnected." : message.message,
      };
    default:
      return changeDisplayEvent(message) ?? hostDisplayEvent(message);
  }
}

/** One place of an unread count, as a user reads it: "lobby 3 (1 mentions you)". */
function describePlace(place: UnreadPlace): string {
  if (place.with !== undefined) {
    return `${place.with} ${place.unread} private (/query ${place.with})`;
  }
  const mentions = place.mentions > 0 ? ` (${place.mentions} mention you)` : "";
  return `${place.room} ${place.unread}${mentions}`;
}

/**
 * The nicks, operators marked `@ana`, those who are away marked `(away)`, and how many more there are when the list is
 * partial (a big room's `joined`).
 */
function listUsers(
  users: string[],
  options: { count?: number; away?: readonly string[]; ops?: readonly string[] } = {},
): string {
  const count = options.count ?? users.length;
  if (users.length === 0) return count > 0 ? `${count} people (/who lists them)` : "nobody";
  const away = new Set(options.away?.map(nickKey));
  const ops = new Set(options.ops?.map(nickKey));
  const shown = users.map((nick) =>
    `${ops.has(nickKey(nick)) ? "@" : ""}${nick}${away.has(nickKey(nick)) ? " (away)" : ""}`
  ).join(", ");
  const more = count - users.length;
  return more > 0 ? `${shown} and ${more} more (/who lists them all)` : shown;
}

function formatUptime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
}
