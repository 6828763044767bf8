/**
 * What the replies to the host controls look like to a user (PROTOCOL.md section 3.5): `done`,
 * `ban_list`, `audit_list`, `room_settings` and `device_list` as display events, carrying their
 * fields for `--json`, and the lists among them as one line per entry for the terminal.
 *
 * @module
 */
import type { ServerMessage } from "../protocol/mod.ts";
import type { DisplayEvent } from "./display_event.ts";

/** A ban of a `ban_list`. */
export type BanListing = Extract<ServerMessage, { type: "ban_list" }>["bans"][number];
/** An entry of an `audit_list`. */
export type AuditEntry = Extract<ServerMessage, { type: "audit_list" }>["entries"][number];
/** A device of a `device_list`. */
export type DeviceListing = Extract<ServerMessage, { type: "device_list" }>["devices"][number];
/** A room's settings, as `room_settings` carries them. */
export type RoomSettings = Omit<Extract<ServerMessage, { type: "room_settings" }>, "type" | "rid">;

/**
 * The display event of a reply to a host control, or `undefined` for any other message.
 *
 * @example
 * ```ts
 * import { hostDisplayEvent } from "./host_display.ts";
 * hostDisplayEvent({ type: "done", rid: "1", text: "bo was kicked." });
 * // { type: "system", event: "done", text: "bo was kicked." }
 * ```
 */
export function hostDisplayEvent(message: ServerMessage): DisplayEvent | undefined {
  switch (message.type) {
    case "done":
      return { type: "system", event: "done", text: message.text };
    case "ban_list":
      return {
        type: "system",
        event: "bans",
        bans: message.bans,
        text: message.bans.length === 0
          ? "Nobody is banned."
          : `Bans in force: ${message.bans.map(describeBan).join("; ")}.`,
      };
    case "audit_list":
      return {
        type: "system",
        event: "audit",
        entries: message.entries,
        more: message.more,
        text: message.entries.length === 0
          ? "The audit log is empty."
          : `Audit log, newest first: ${message.entries.map(describeEntry).join("; ")}.`,
      };
    case "room_settings": {
      const { type: _type, rid: _rid, ...settings } = message;
      return {
        type: "system",
        event: "room",
        room: message.room,
        settings,
        text: describeSettings(settings),
      };
    }
    case "device_list":
      return {
        type: "system",
        event: "devices",
        nick: message.nick,
        devices: message.devices,
        text: message.devices.length === 0
          ? `${message.nick} has no devices.`
          : `Devices of ${message.nick}: ` +
            message.devices.map((device) =>
              `${device.id} ${device.name} (last seen ${shortTime(device.last_seen)})`
            ).join("; ") + ". /devices NICK remove ID signs one out.",
      };
    default:
      return undefined;
  }
}

/**
 * The lines a terminal shows for a list of bans, audit entries or devices, after a heading; or
 * `undefined` for an event that is one line.
 *
 * @example
 * ```ts
 * import { hostLines } from "./host_display.ts";
 * hostLines({ type: "system", event: "bans", text: "", bans: [
 *   { nick: "bo", by: "ana", ts: "2026-11-21T09:30:00.000Z" },
 * ] }); // ["Bans in force:", "bo, by ana since 2026-11-21 09:30, with no end"]
 * ```
 */
export function hostLines(event: DisplayEvent): string[] | undefined {
  if (event.event === "bans" && event.bans !== undefined && event.bans.length > 0) {
    return ["Bans in force:", ...event.bans.map(describeBan)];
  }
  if (event.event === "audit" && event.entries !== undefined && event.entries.length > 0) {
    return [
      event.more ? `Audit log, the newest ${event.entries.length}:` : "Audit log, newest first:",
      ...event.entries.map(describeEntry),
    ];
  }
  if (event.event === "devices" && event.devices !== undefined && event.devices.length > 0) {
    return [
      `Devices of ${event.nick}:`,
      ...event.devices.map((device) =>
        `${device.id}  ${device.name}, since ${shortTime(device.created)}, last seen ${
          shortTime(device.last_seen)
        }`
      ),
    ];
  }
  return undefined;
}

/** An audit entry in one line: "2026-11-21 09:30 ana ban bo (spam) until …". */
export function describeEntry(entry: AuditEntry): string {
  return [
    shortTime(entry.ts),
    entry.by,
    entry.action,
    entry.nick,
    entry.room === undefined ? undefined : `in ${entry.room}`,
    entry.reason === undefined ? undefined : `(${entry.reason})`,
    entry.until === undefined ? undefined : `until ${shortTime(entry.until)}`,
    entry.detail,
  ].filter((part) => part !== undefined && part !== "").join(" ");
}

function describeBan(ban: BanListing): string {
  const who = [ban.nick, ban.address].filter((part) => part !== undefined).join(" at ");
  const until = ban.until === undefined ? "with no end" : `until ${shortTime(ban.until)}`;
  const reason = ban.reason === undefined ? "" : ` (${ban.reason})`;
  return `${who}, by ${ban.by} since ${shortTime(ban.ts)}, ${until}${reason}`;
}

function describeSettings(settings: RoomSettings): string {
  const parts = [
    settings.topic ? `topic "${settings.topic}"` : "no topic",
    settings.announce ? "announcements only" : undefined,
    settings.locked ? "locked by a passkey" : undefined,
    settings.slow_s > 0 ? `slow mode ${settings.slow_s} s` : undefined,
    settings.files ? undefined : "no files",
    settings.closed ? "closed" : undefined,
  ].filter((part) => part !== undefined);
  const open = !settings.announce && !settings.locked && settings.slow_s === 0 &&
    settings.files && !settings.closed;
  return `Room ${settings.room}: ${parts.join(", ")}${open ? ", open to all" : ""}.`;
}

/** An ISO 8601 time as `2026-11-21 09:30` (UTC, as the server wrote it). */
function shortTime(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}
