/**
 * A room's settings as the page words and changes them, without the page: the marks the header
 * shows, and what the settings dialog sends (only what changed). Pure, so tested without a
 * browser.
 *
 * @module
 */
import type { ClientMessage, ServerMessage } from "../../src/protocol/messages.ts";

/** A room's settings, as `room_settings` carries them. */
export type RoomSettings = Omit<Extract<ServerMessage, { type: "room_settings" }>, "type" | "rid">;

/** The changes the settings dialog sends: a topic, and settings for `room_set`. */
export interface SettingsChange {
  topic?: string;
  set: Omit<Extract<ClientMessage, { type: "room_set" }>, "type" | "room" | "rid">;
}

/**
 * What changed between `before` and what the form says: only those fields, so that two operators
 * changing different settings at once do not undo each other's.
 *
 * @example
 * ```ts
 * import { settingsChange } from "./room_settings.ts";
 * const before = { room: "hall", announce: false, locked: false, slow_s: 0, files: true, closed: false };
 * const form = { topic: "", announce: false, passkey: undefined, slow_s: 10, files: true, closed: false };
 * settingsChange(before, form); // { set: { slow_s: 10 } }
 * ```
 */
export function settingsChange(
  before: RoomSettings,
  after: {
    topic: string;
    announce: boolean;
    passkey: string | undefined;
    slow_s: number;
    files: boolean;
    closed: boolean;
  },
): SettingsChange {
  const set: SettingsChange["set"] = {};
  if (after.announce !== before.announce) set.announce = after.announce;
  if (after.passkey !== undefined) set.passkey = after.passkey;
  if (after.slow_s !== before.slow_s) set.slow_s = after.slow_s;
  if (after.files !== before.files) set.files = after.files;
  if (after.closed !== before.closed) set.closed = after.closed;
  return after.topic === (before.topic ?? "") ? { set } : { topic: after.topic, set };
}

/**
 * The marks of a room with `settings`, in words, most restrictive first.
 *
 * @example
 * ```ts
 * import { roomFlags } from "./room_settings.ts";
 * roomFlags({ room: "hall", announce: true, locked: false, slow_s: 10, files: true, closed: false });
 * // ["Announcements only", "Slow mode: 10 s"]
 * ```
 */
export function roomFlags(settings: RoomSettings): string[] {
  const flags: string[] = [];
  if (settings.closed) flags.push("Closed");
  if (settings.announce) flags.push("Announcements only");
  if (settings.locked) flags.push("Passkey");
  if (settings.slow_s > 0) flags.push(`Slow mode: ${settings.slow_s} s`);
  if (!settings.files) flags.push("No files");
  return flags;
}
