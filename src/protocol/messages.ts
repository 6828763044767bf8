import { ProtocolError } from "./errors.ts";

/** The protocol version this code speaks. */
export const PROTOCOL_VERSION = 1;

/** Message types a client may send. Append-only. */
export const CLIENT_MESSAGE_TYPES = [
  "hello",
  "send",
  "private",
  "join",
  "nick",
  "who",
  "rooms",
  "info",
  "history",
  "ping",
  "pong",
  "quit",
  "upload",
  "upload_end",
  "upload_cancel",
  "download",
  "download_cancel",
  "files",
] as const;

/** Message types a server may send. Append-only. */
export const SERVER_MESSAGE_TYPES = [
  "welcome",
  "joined",
  "message",
  "action",
  "private",
  "notice",
  "history_end",
  "ack",
  "nick_ok",
  "users",
  "room_list",
  "server_info",
  "pong",
  "ping",
  "error",
  "bye",
  "file",
  "upload_ready",
  "upload_done",
  "download_ready",
  "download_end",
  "file_list",
] as const;

/** Longest accepted `rid`. */
export const MAX_RID_CHARS = 64;
/** Largest page a `history` or `files` request may ask for. */
export const MAX_HISTORY_PAGE = 500;
/**
 * Bytes of file data in one `CHUNK` frame sent by this code (receivers accept up to the frame
 * limit): nearly the limit, since every chunk costs a read, a write and a frame on each side,
 * and a whole number of pages, for the disk.
 */
export const CHUNK_BYTES = 1024 * 1024 - 4096;

/** Client → server messages. */
export type ClientMessage =
  | {
    type: "hello";
    v: number;
    nick: string;
    passkey: string;
    room?: string;
    client?: string;
    presence?: boolean;
    /** The `resume` token of an earlier connection, to take over its nick at once. */
    resume?: string;
    /** The last event id seen in `room`: the server sends what came after instead of history. */
    since?: number;
  }
  | { type: "send"; rid: string; text: string; action?: boolean }
  | { type: "private"; rid: string; to: string; text: string }
  | { type: "join"; room: string; rid?: string }
  | { type: "nick"; nick: string; rid?: string }
  | { type: "who"; rid?: string }
  | { type: "rooms"; rid?: string }
  | { type: "info"; rid?: string }
  | { type: "history"; before?: number; limit?: number; rid?: string }
  | { type: "ping"; rid?: string }
  | { type: "pong"; rid?: string }
  | { type: "quit" }
  | { type: "upload"; rid: string; name: string; size?: number; sha256?: string }
  | { type: "upload_end"; rid: string; transfer: number; sha256: string }
  | { type: "upload_cancel"; transfer: number }
  | { type: "download"; rid: string; id: number; offset?: number }
  | { type: "download_cancel"; transfer: number }
  | { type: "files"; rid?: string; room?: string; limit?: number };

/** Why a server closes a connection in order. Append-only. */
export type ByeReason = "quit" | "shutdown" | "replaced" | "too_slow";

/** Kinds of stored room events. */
export type EventType = "message" | "action" | "private" | "notice" | "file";

/** A shared file as it travels in `file` events and listings; its id is the event's id. */
export interface FileInfo {
  name: string;
  size: number;
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
}

/** A row of a `file_list`. */
export interface FileListing extends FileInfo {
  id: number;
  ts: string;
  room: string;
  from: string;
}

/** Kinds of `notice` events. */
export type NoticeEvent = "join" | "leave" | "nick";

/** A room event as it travels to clients. */
export interface ChatEvent {
  type: EventType;
  id: number;
  ts: string;
  room: string;
  from: string;
  text: string;
  to?: string;
  event?: NoticeEvent;
  nick?: string;
  /** For `file` events. */
  file?: FileInfo;
  history?: true;
  /** On events sent as history: the `rid` of the request they answer. */
  rid?: string;
}

/** Server → client messages. */
export type ServerMessage =
  | {
    type: "welcome";
    v: number;
    server: string;
    nick: string;
    max_message_bytes: number;
    max_frame_bytes: number;
    history: number;
    /** A secret that lets a reconnect of this user take over its nick and missed privates. */
    resume?: string;
    /** The request rate this server accepts per connection; clients pace themselves to it. */
    rate?: { per_second: number; burst: number };
  }
  | { type: "joined"; room: string; users: string[]; count?: number; rid?: string }
  | ChatEvent
  | {
    type: "history_end";
    room: string;
    count: number;
    before: number | null;
    more: boolean;
    rid?: string;
    /** A catch-up that missed too much: events between `since` and this page were skipped. */
    gap?: true;
  }
  | { type: "ack"; rid: string; id: number; ts: string }
  | { type: "nick_ok"; nick: string; rid?: string }
  | { type: "users"; room: string; users: string[]; rid?: string }
  | { type: "room_list"; rooms: { name: string; users: number }[]; rid?: string }
  | {
    type: "server_info";
    room: string;
    users: string[];
    online: number;
    uptime_s: number;
    messages: number;
    server: string;
    rid?: string;
  }
  | { type: "ping"; rid?: string }
  | { type: "pong"; rid?: string }
  | {
    type: "error";
    code: string;
    message: string;
    fatal: boolean;
    rid?: string;
    transfer?: number;
    retry_after_ms?: number;
  }
  | { type: "bye"; reason: ByeReason; message: string }
  | { type: "upload_ready"; rid: string; transfer: number; offset: number }
  | { type: "upload_done"; rid: string; transfer: number; id: number; file: FileInfo }
  | {
    type: "download_ready";
    rid: string;
    transfer: number;
    id: number;
    file: FileInfo;
    offset: number;
  }
  | { type: "download_end"; transfer: number; error?: string; cancelled?: true }
  | { type: "file_list"; files: FileListing[]; rid?: string };

type Shape = Record<string, "string" | "number" | "boolean" | "string?" | "number?" | "boolean?">;

const CLIENT_SHAPES: Record<ClientMessage["type"], Shape> = {
  hello: {
    v: "number",
    nick: "string",
    passkey: "string",
    room: "string?",
    client: "string?",
    presence: "boolean?",
    resume: "string?",
    since: "number?",
  },
  send: { rid: "string", text: "string", action: "boolean?" },
  private: { rid: "string", to: "string", text: "string" },
  join: { room: "string", rid: "string?" },
  nick: { nick: "string", rid: "string?" },
  who: { rid: "string?" },
  rooms: { rid: "string?" },
  info: { rid: "string?" },
  history: { before: "number?", limit: "number?", rid: "string?" },
  ping: { rid: "string?" },
  pong: { rid: "string?" },
  quit: {},
  upload: { rid: "string", name: "string", size: "number?", sha256: "string?" },
  upload_end: { rid: "string", transfer: "number", sha256: "string" },
  upload_cancel: { transfer: "number" },
  download: { rid: "string", id: "number", offset: "number?" },
  download_cancel: { transfer: "number" },
  files: { rid: "string?", room: "string?", limit: "number?" },
};

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
  const shape = (CLIENT_SHAPES as Record<string, Shape | undefined>)[object.type];
  if (shape === undefined || !Object.hasOwn(CLIENT_SHAPES, object.type)) {
    throw new ProtocolError(
      "unknown_type",
      `Unknown message type ${JSON.stringify(object.type.slice(0, 40))}.`,
    );
  }
  for (const [field, expected] of Object.entries(shape)) {
    const optional = expected.endsWith("?");
    const kind = optional ? expected.slice(0, -1) : expected;
    const value = object[field];
    if (value === undefined && optional) continue;
    if (typeof value !== kind || (kind === "number" && !Number.isFinite(value))) {
      throw new ProtocolError(
        "bad_request",
        `Field "${field}" of "${object.type}" must be a ${kind}.`,
      );
    }
  }
  const rid = object.rid;
  if (typeof rid === "string" && (rid.length === 0 || rid.length > MAX_RID_CHARS)) {
    throw new ProtocolError("bad_request", `Field "rid" must be 1 to ${MAX_RID_CHARS} characters.`);
  }
  return object as unknown as ClientMessage;
}
