import { ProtocolError } from "./errors.ts";
import {
  array,
  boolean,
  checkShape,
  flag,
  type Infer,
  integer,
  nullable,
  number,
  object,
  oneOf,
  optional,
  type Shape,
  type Simplify,
  string,
  type TypeOf,
} from "./schema.ts";

/** The protocol version this code speaks. */
export const PROTOCOL_VERSION = 1;

/** Longest accepted `rid`. */
export const MAX_RID_CHARS = 64;
/** Longest an invite may stay valid: a week. */
export const MAX_INVITE_TTL_S = 7 * 24 * 60 * 60;
/** Largest page a `history` or `files` request may ask for. */
export const MAX_HISTORY_PAGE = 500;
/**
 * Bytes of file data in one `CHUNK` frame sent by this code (receivers accept up to the frame
 * limit): nearly the limit, since every chunk costs a read, a write and a frame on each side,
 * and a whole number of pages, for the disk.
 */
export const CHUNK_BYTES = 1024 * 1024 - 4096;

/** Why a server closes a connection in order. Append-only. */
export const BYE_REASONS = ["quit", "shutdown", "replaced", "too_slow"] as const;
/** Kinds of `notice` events. Append-only. */
export const NOTICE_EVENTS = [
  "join",
  "leave",
  "nick",
  // Host controls (PROTOCOL.md section 3.5): `from` is the person concerned, `by` who acted.
  "kick",
  "ban",
  "unban",
  "mute",
  "unmute",
  "op",
  "deop",
  "topic",
  "room",
] as const;

/** Longest emoji of a reaction, in characters (a flag or a family is several code points). */
export const MAX_EMOJI_CHARS = 32;
/** Most different emoji on one message: a limit on what one message may make others store. */
export const MAX_REACTIONS = 20;
/** Characters of the original a reply's `quote` carries. */
export const QUOTE_CHARS = 140;
/** Longest search text, in characters. */
export const MAX_SEARCH_CHARS = 500;
/** Largest page of search results. */
export const MAX_SEARCH_PAGE = 100;

/** Longest reason of a kick, ban or mute, and longest topic, in characters. */
export const MAX_REASON_CHARS = 200;
/** Longest a ban or mute may be given for: a year (without a duration it has no end). */
export const MAX_SANCTION_S = 366 * 24 * 60 * 60;
/** Longest slow mode: an hour between two messages of one person. */
export const MAX_SLOW_S = 3600;

const rid = string({ min: 1, max: MAX_RID_CHARS });
/** A request's `rid`, when the request may leave it out. */
const optionalRid = optional(rid);
const eventId = integer({ min: 1 });
const transferId = integer({ min: 0, max: 0xffff_ffff });
const fileInfo = object({ name: string(), size: integer({ min: 0 }), sha256: string() });
/** A conversation with one person, named by their nick, where a room would be named. */
const withNick = optional(string());
/** Why an operator did something. */
const reason = optional(string({ max: MAX_REASON_CHARS }));
/** How long a ban or mute lasts. */
const sanctionSeconds = optional(integer({ min: 1, max: MAX_SANCTION_S }));
/** A room's settings, as `room_settings` and `joined` carry them. */
const roomSettings = {
  room: string(),
  topic: optional(string()),
  /** Only operators post. */
  announce: boolean(),
  /** The room has a passkey of its own. */
  locked: boolean(),
  /** Seconds one person waits between two messages there; 0: no slow mode. */
  slow_s: integer({ min: 0 }),
  /** Files may be shared there. */
  files: boolean(),
  /** Nobody but operators joins or posts. */
  closed: boolean(),
} as const;

/**
 * Every message a client may send, with its fields: the one statement of them. Keys are the
 * `type`s, append-only: a type is never renamed or reused.
 */
export const CLIENT_MESSAGES = {
  hello: {
    v: integer(),
    nick: string(),
    passkey: optional(string()),
    invite: optional(string()),
    device: optional(string()),
    link: optional(string()),
    room: optional(string()),
    client: optional(string()),
    presence: optional(boolean()),
    resume: optional(string()),
    since: optional(integer({ min: 0 })),
    /** The server's operator credential: signs the host in (section 3.5). */
    operator: optional(string()),
    /** The passkey of `room`, when that room has one of its own (section 3.5). */
    room_passkey: optional(string()),
  },
  send: {
    rid,
    text: string(),
    action: optional(boolean()),
    /** Answers this message of the same room (section 3.6). */
    reply_to: optional(eventId),
  },
  private: {
    rid,
    to: string(),
    text: string(),
    /** Answers this message of the same conversation (section 3.6). */
    reply_to: optional(eventId),
  },
  join: {
    room: string(),
    rid: optionalRid,
    /** The room's own passkey, when it has one (section 3.5). */
    passkey: optional(string()),
  },
  nick: { nick: string(), rid: optionalRid },
  who: { rid: optionalRid },
  rooms: { rid: optionalRid },
  info: { rid: optionalRid },
  history: {
    before: optional(integer()),
    limit: optional(integer()),
    rid: optionalRid,
    /** Pages the private conversation with this nick instead of the room. */
    with: withNick,
  },
  ping: { rid: optionalRid },
  pong: { rid: optionalRid },
  quit: {},
  upload: {
    rid,
    name: string(),
    size: optional(integer()),
    sha256: optional(string()),
    resume_key: optional(string({ min: 8, max: 64 })),
    /** Shares the file privately with this nick instead of the room. */
    to: optional(string()),
  },
  upload_end: { rid, transfer: transferId, sha256: string() },
  upload_cancel: { transfer: transferId },
  download: { rid, id: integer(), offset: optional(integer()) },
  download_cancel: { transfer: transferId },
  files: {
    rid: optionalRid,
    room: optional(string()),
    limit: optional(integer()),
    /** Lists the files of the private conversation with this nick. */
    with: withNick,
  },
  invite: { rid, ttl_s: optional(integer({ min: 60, max: MAX_INVITE_TTL_S })) },
  link_code: { rid },
  download_link: { rid, id: integer() },
  /** The person has read everything up to `id` in a room or in a private conversation. */
  read: { room: optional(string()), with: withNick, id: integer({ min: 0 }) },
  unread: { rid: optionalRid },
  mentions: { rid: optionalRid, before: optional(integer()), limit: optional(integer()) },
  typing: { with: withNick },
  away: { rid: optionalRid, text: optional(string({ max: 200 })) },
  back: { rid: optionalRid },
  // Host controls (section 3.5): operators only; everyone else gets `not_permitted`.
  op: { rid, nick: string() },
  deop: { rid, nick: string() },
  kick: { rid, nick: string(), reason: reason },
  ban: {
    rid,
    nick: string(),
    /** Seconds; without it the ban has no end. */
    duration_s: sanctionSeconds,
    reason: reason,
    /** Bans the address the person is connected from too. */
    address: optional(boolean()),
  },
  unban: { rid, nick: optional(string()), address: optional(string()) },
  bans: { rid },
  mute: { rid, nick: string(), duration_s: sanctionSeconds, reason: reason },
  unmute: { rid, nick: string() },
  audit: { rid, before: optional(integer()), limit: optional(integer()) },
  topic: { rid, text: string({ max: MAX_REASON_CHARS }), room: optional(string()) },
  room_set: {
    rid,
    room: string(),
    announce: optional(boolean()),
    /** The room's own passkey; `""` removes it. */
    passkey: optional(string({ max: 200 })),
    slow_s: optional(integer({ min: 0, max: MAX_SLOW_S })),
    files: optional(boolean()),
    closed: optional(boolean()),
  },
  release: { rid, nick: string() },
  devices: { rid, nick: string(), remove: optional(string()) },
  // Changes to messages (section 3.6): each is an event of the log that names the message.
  /** Adds the emoji to message `id`'s reactions, or with `remove` takes your reaction back. */
  react: {
    rid,
    id: eventId,
    emoji: string({ min: 1, max: MAX_EMOJI_CHARS }),
    remove: optional(boolean()),
  },
  /** Replaces the text of your own message `id`. */
  edit: { rid, id: eventId, text: string() },
  /** Deletes your own message `id` (an operator: anyone's in a room). */
  delete: { rid, id: eventId },
  /** Full-text search over what you may see (section 3.6). */
  search: {
    rid,
    /** Words, `prefix*` and `"phrases"`; every one must occur. */
    text: string({ min: 1, max: MAX_SEARCH_CHARS }),
    /** Only in this room. */
    room: optional(string()),
    /** Only your private conversation with this nick. */
    with: withNick,
    /** Only what this nick said. */
    from: optional(string()),
    /** Only events older than this id: the next page. */
    before: optional(integer({ min: 1 })),
    limit: optional(integer({ min: 1, max: MAX_SEARCH_PAGE })),
  },
} as const satisfies Record<string, Shape>;

/** A reply's view of the message it answers, as that message reads now. */
const quote = object({ from: string(), text: string(), deleted: optional(flag()) });
/** Who reacted with what on a message, in the order each emoji was first given. */
const reactions = array(object({ emoji: string(), nicks: array(string()) }));

/** The fields of every event of the log, whatever its type. */
const EVENT_CORE = {
  id: eventId,
  ts: string(),
  room: string(),
  from: string(),
  text: string(),
  /** On an event replayed as history. */
  history: optional(flag()),
  /** On events sent as history: the `rid` of the request they answer. */
  rid: optionalRid,
} as const;

/** The fields of every room event and private message: what changes made of it so far. */
const EVENT = {
  ...EVENT_CORE,
  /** The message this one answers (section 3.6). */
  reply_to: optional(eventId),
  /** The start of the message it answers, as that reads now. */
  quote: optional(quote),
  /** Its author changed its text. */
  edited: optional(flag()),
  /** It was deleted: `text` is empty. */
  deleted: optional(flag()),
  /** Its reactions, when it has any. */
  reactions: optional(reactions),
} as const;

/** The fields of an event that changes message `ref`; `to` when that is a private message. */
const CHANGE = { ...EVENT_CORE, ref: eventId, to: optional(string()) } as const;

/**
 * Every message a server may send, with its fields: the one statement of them. Keys are the
 * `type`s, append-only.
 */
export const SERVER_MESSAGES = {
  welcome: {
    v: integer(),
    server: string(),
    nick: string(),
    max_message_bytes: integer(),
    max_frame_bytes: integer(),
    history: integer(),
    /** A secret that lets a reconnect of this user take over its nick and missed privates. */
    resume: optional(string()),
    /** The request rate this server accepts per connection; clients pace themselves to it. */
    rate: optional(object({ per_second: number(), burst: integer() })),
    /** A device made by this login: `ID.SECRET`, to keep and give as `hello.device` next time. */
    device: optional(string()),
    /** True when this connection may use the host controls (section 3.5). */
    operator: optional(flag()),
    /**
     * In a cluster: the nodes a client may reconnect to when this one goes away (section 2.5),
     * this one included; `chat` is `host:port`, `web` the web client's address, if served.
     */
    nodes: optional(array(object({ name: string(), chat: string(), web: optional(string()) }))),
  },
  joined: {
    room: string(),
    users: array(string()),
    count: integer(),
    rid: optionalRid,
    /** Those of `users` who are away. */
    away: optional(array(string())),
    /** Those of `users` who are operators. */
    ops: optional(array(string())),
    /** The room's topic, when it has one. */
    topic: optional(string()),
  },
  message: EVENT,
  action: EVENT,
  private: { ...EVENT, to: string() },
  notice: {
    ...EVENT_CORE,
    event: oneOf(NOTICE_EVENTS),
    nick: optional(string()),
    /** Host controls: the operator who acted. */
    by: optional(string()),
    reason: optional(string()),
    /** When a ban or mute ends (ISO 8601); without it, never. */
    until: optional(string()),
    /** A `topic` notice's new topic (`""`: none). */
    topic: optional(string()),
  },
  history_end: {
    room: string(),
    count: integer(),
    before: nullable(eventId),
    more: boolean(),
    rid: optionalRid,
    /** A catch-up that missed too much: events between `since` and this page were skipped. */
    gap: optional(flag()),
    /** On a page of the private conversation with this nick (`room` is then `""`). */
    with: withNick,
    /**
     * On the newest page of a room: the room's newest event, join and leave notices included,
     * which the page leaves out. A client's catch-up cursor (`since`) moves up to it.
     */
    last_id: optional(integer({ min: 0 })),
  },
  ack: {
    rid,
    id: eventId,
    ts: string(),
    /** The message as stored and as the others receive it: the author's own line. */
    event: object({
      type: oneOf(["message", "action", "private", "edit", "delete", "reaction"]),
      id: eventId,
      ts: string(),
      room: string(),
      from: string(),
      text: string(),
      to: optional(string()),
      reply_to: optional(eventId),
      quote: optional(quote),
      ref: optional(eventId),
      emoji: optional(string()),
      remove: optional(flag()),
    }),
  },
  nick_ok: { nick: string(), rid: optionalRid },
  users: {
    room: string(),
    users: array(string()),
    rid: optionalRid,
    /** Those of `users` who are away. */
    away: optional(array(string())),
    /** Those of `users` who are operators. */
    ops: optional(array(string())),
  },
  room_list: {
    rooms: array(object({ name: string(), users: integer() })),
    rid: optionalRid,
  },
  server_info: {
    room: string(),
    users: array(string()),
    online: integer(),
    uptime_s: integer(),
    messages: integer(),
    server: string(),
    rid: optionalRid,
  },
  pong: { rid: optionalRid },
  ping: { rid: optionalRid },
  error: {
    code: string(),
    message: string(),
    fatal: boolean(),
    rid: optionalRid,
    transfer: optional(transferId),
    retry_after_ms: optional(integer({ min: 0 })),
  },
  bye: { reason: oneOf(BYE_REASONS), message: string() },
  file: {
    ...EVENT,
    file: fileInfo,
    /** On a file shared privately: the one person it was shared with. */
    to: optional(string()),
  },
  upload_ready: { rid, transfer: transferId, offset: integer({ min: 0 }) },
  upload_done: { rid, transfer: transferId, id: eventId, file: fileInfo },
  download_ready: {
    rid,
    transfer: transferId,
    id: eventId,
    file: fileInfo,
    offset: integer({ min: 0 }),
  },
  download_end: { transfer: transferId, error: optional(string()), cancelled: optional(flag()) },
  file_list: {
    files: array(object({
      id: eventId,
      ts: string(),
      room: string(),
      from: string(),
      name: string(),
      size: integer({ min: 0 }),
      sha256: string(),
      to: optional(string()),
    })),
    rid: optionalRid,
  },
  invite_created: {
    rid,
    token: string(),
    expires: string(),
    chat_port: integer(),
    web_port: optional(integer()),
    tls: boolean(),
    fingerprint: optional(string()),
  },
  link_code_created: { rid, code: string(), expires: string() },
  download_link_created: { rid, id: eventId, path: string(), expires: string() },
  /** Where a person stands in each room and conversation they follow: after login, or asked. */
  unread_counts: {
    places: array(object({
      room: optional(string()),
      with: withNick,
      unread: integer({ min: 0 }),
      mentions: integer({ min: 0 }),
      last_id: integer({ min: 0 }),
      read_id: integer({ min: 0 }),
    })),
    rid: optionalRid,
  },
  /** The person read up to `id` on another of their connections. */
  read_marker: { room: optional(string()), with: withNick, id: integer({ min: 0 }) },
  /** Something was said in a room the person follows, but this connection is elsewhere. */
  activity: { room: string(), id: eventId, from: string(), mention: optional(flag()) },
  mention_list: {
    events: array(object({
      type: oneOf(["message", "action"]),
      id: eventId,
      ts: string(),
      room: string(),
      from: string(),
      text: string(),
    })),
    more: boolean(),
    rid: optionalRid,
  },
  /** `from` is typing in `room`, or, without `room`, in their private conversation with you. */
  typing: { from: string(), room: optional(string()) },
  /** `nick` went away (with an optional `text`) or came back. */
  presence: { nick: string(), room: string(), away: boolean(), text: optional(string()) },
  /** An operator's request was carried out: what happened, in one sentence. */
  done: { rid, text: string() },
  ban_list: {
    bans: array(object({
      nick: optional(string()),
      address: optional(string()),
      by: string(),
      ts: string(),
      until: optional(string()),
      reason: optional(string()),
    })),
    rid,
  },
  audit_list: {
    entries: array(object({
      id: eventId,
      ts: string(),
      by: string(),
      action: string(),
      nick: optional(string()),
      room: optional(string()),
      reason: optional(string()),
      until: optional(string()),
      detail: optional(string()),
    })),
    more: boolean(),
    rid,
  },
  room_settings: { ...roomSettings, rid: optionalRid },
  device_list: {
    nick: string(),
    devices: array(
      object({ id: string(), name: string(), created: string(), last_seen: string() }),
    ),
    rid,
  },
  /** Message `ref` now reads `text` (section 3.6). */
  edit: CHANGE,
  /** Message `ref` was deleted; `text` is empty. */
  delete: CHANGE,
  /** `from` reacted to message `ref` with `emoji`, or with `remove` took it back. */
  reaction: { ...CHANGE, emoji: string(), remove: optional(flag()) },
  search_results: {
    /** Newest first. */
    events: array(object({
      type: oneOf(["message", "action", "private", "file"]),
      id: eventId,
      ts: string(),
      room: string(),
      from: string(),
      text: string(),
      to: optional(string()),
      edited: optional(flag()),
    })),
    /** Older results exist: ask again with `before` the last one's id. */
    more: boolean(),
    rid,
  },
} as const satisfies Record<string, Shape>;

/** Message types a client may send. Append-only. */
export const CLIENT_MESSAGE_TYPES = Object.keys(
  CLIENT_MESSAGES,
) as (keyof typeof CLIENT_MESSAGES)[];
/** Message types a server may send. Append-only. */
export const SERVER_MESSAGE_TYPES = Object.keys(
  SERVER_MESSAGES,
) as (keyof typeof SERVER_MESSAGES)[];

/** The message of each `type` in `Schema`, with its `type` field. */
type MessagesOf<Schema> = {
  [T in keyof Schema]: Simplify<{ type: T } & Infer<Schema[T]>>;
};

/** Client → server messages. */
export type ClientMessage = MessagesOf<typeof CLIENT_MESSAGES>[keyof typeof CLIENT_MESSAGES];
/** Server → client messages. */
export type ServerMessage = MessagesOf<typeof SERVER_MESSAGES>[keyof typeof SERVER_MESSAGES];

/** Why a server closes a connection in order. */
export type ByeReason = typeof BYE_REASONS[number];
/** Kinds of `notice` events. */
export type NoticeEvent = typeof NOTICE_EVENTS[number];
/** Kinds of stored room events. */
export type EventType =
  | "message"
  | "action"
  | "private"
  | "notice"
  | "file"
  | "edit"
  | "delete"
  | "reaction";
/** Kinds of events that change an earlier message (section 3.6). */
export type ChangeType = "edit" | "delete" | "reaction";
/** Who reacted with what on a message. */
export type Reactions = TypeOf<typeof reactions>;
/** A reply's view of the message it answers. */
export type Quote = TypeOf<typeof quote>;
/** A room event as it travels to clients. */
export type ChatEvent = Extract<ServerMessage, { type: EventType }>;
/** A shared file as it travels in `file` events and listings; its id is the event's id. */
export type FileInfo = TypeOf<typeof fileInfo>;
/** A row of a `file_list`. */
export type FileListing = Extract<ServerMessage, { type: "file_list" }>["files"][number];

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a `JSON` frame payload into an object with a string `type`.
 * Throws {@linkcode ProtocolError} `bad_json` for anything else.
 *
 * @example
 * ```ts
 * import { parseJsonPayload } from "./messages.ts";
 * parseJsonPayload(new TextEncoder().encode('{"type":"ping"}')); // { type: "ping" }
 * ```
 */
export function parseJsonPayload(payload: Uint8Array): Record<string, unknown> & { type: string } {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    throw new ProtocolError("bad_json", "Frame payload is not valid UTF-8 JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError("bad_json", "Frame payload must be a JSON object.");
  }
  const type = (value as Record<string, unknown>).type;
  if (typeof type !== "string") {
    throw new ProtocolError("bad_json", 'Message has no string field "type".');
  }
  return value as Record<string, unknown> & { type: string };
}

/**
 * Validates a decoded JSON object as a {@linkcode ClientMessage}: known `type`, required
 * fields present with the right JSON types. Throws {@linkcode ProtocolError}
 * (`unknown_type` or `bad_request`) otherwise, quoting the offending field.
 *
 * @example
 * ```ts
 * import { toClientMessage } from "./messages.ts";
 * toClientMessage({ type: "send", rid: "1", text: "hi" }); // ok
 * ```
 */
export function toClientMessage(object: Record<string, unknown> & { type: string }): ClientMessage {
  if (!Object.hasOwn(CLIENT_MESSAGES, object.type)) {
    throw new ProtocolError(
      "unknown_type",
      `Unknown message type ${JSON.stringify(object.type.slice(0, 40))}.`,
    );
  }
  const shape: Shape = CLIENT_MESSAGES[object.type as ClientMessage["type"]];
  // A rid is echoed in any reply, error replies included, so it is held to its limits on every
  // message, even one that names no rid.
  const problem = checkShape(shape, object) ?? checkShape({ rid: optionalRid }, object);
  if (problem !== undefined) {
    throw new ProtocolError("bad_request", `${problem.slice(0, -1)} in "${object.type}".`);
  }
  return object as unknown as ClientMessage;
}

/**
 * Checks a decoded JSON object as a {@linkcode ServerMessage}, as a client does with everything
 * it receives. Returns `undefined` for a message type this code does not know (a newer server's:
 * receivers ignore it), and throws {@linkcode ProtocolError} `bad_request` for a known type with
 * missing or mistyped fields.
 *
 * @example
 * ```ts
 * import { toServerMessage } from "./messages.ts";
 * toServerMessage({ type: "pong" }); // { type: "pong" }
 * toServerMessage({ type: "hologram" }); // undefined
 * ```
 */
export function toServerMessage(
  object: Record<string, unknown> & { type: string },
): ServerMessage | undefined {
  if (!Object.hasOwn(SERVER_MESSAGES, object.type)) return undefined;
  const shape: Shape = SERVER_MESSAGES[object.type as ServerMessage["type"]];
  const problem = checkShape(shape, object);
  if (problem !== undefined) {
    throw new ProtocolError("bad_request", `${problem.slice(0, -1)} in "${object.type}".`);
  }
  return object as unknown as ServerMessage;
}
