/**
 * The host controls (PROTOCOL.md section 3.5): who may moderate, the requests only operators may
 * make, and the rules every post, join and login is held to (bans, mutes, room settings). Every
 * decision is taken here from the connection's own state (its nick, its owner, whether it signed
 * in with the operator credential), never from anything the client says about itself. What is
 * decided is kept in the {@linkcode ModerationStore}; slow mode's clock is per process.
 *
 * @module
 */
import {
  type ClientMessage,
  MAX_HISTORY_PAGE,
  normalizeRoom,
  ProtocolError,
  type ServerMessage,
} from "../protocol/mod.ts";
import type { ControlDetails } from "./history_store.ts";
import type { Ban, ModerationStore, RoomSettings } from "./moderation_store.ts";
import { sha256Hex } from "./_random.ts";
import type { IdentityStore } from "./identity_store.ts";

/** A connection as the host controls see it. */
export interface Moderated {
  readonly id: string;
  readonly nick: string;
  readonly room: string;
  readonly owner: string;
  /** The connection's IP address. */
  readonly address: string;
  /** Whether it may use the host controls: signed in as host, or its nick is an operator. */
  operator: boolean;
  /** Ends the connection with a fatal `kicked` or `banned` error. */
  expel(code: "kicked" | "banned", message: string): void;
}

/** What the host controls need of the hub. */
export interface ModerationHub {
  readonly identities: IdentityStore;
  now(): number;
  log(line: string): void;
  /** The connections of this node holding `nick`. */
  holdersOf(nick: string): Moderated[];
  /** The connections of this node that are `owner`. */
  connectionsOf(owner: string): Moderated[];
  /** Who holds `nick` on any node, as they spell it; undefined when nobody does. */
  heldAs(nick: string): Promise<string | undefined>;
  /** Ends, on every node, the connections holding `nick` or of `owner`, with `code`. */
  expel(
    target: { nick?: string; owner?: string },
    code: "kicked" | "banned",
    text: string,
  ): Promise<void>;
  /** Tells every node's connection holding `nick` whether it is an operator now. */
  setRole(nick: string, operator: boolean): Promise<void>;
  /** Stores and delivers a notice of the host controls in `room`. */
  announce(notice: {
    room: string;
    event: "kick" | "ban" | "unban" | "mute" | "unmute" | "op" | "deop" | "topic" | "room";
    from: string;
    text: string;
    control: ControlDetails;
  }): Promise<void>;
}

/** Settings of {@linkcode Moderation}. */
export interface ModerationOptions {
  store: ModerationStore;
  /** Lowercase hex SHA-256 of the operator credential; none: nobody can sign in as host. */
  operatorKeyHash?: string;
  /** False: private messages and private files are refused (`--no-private`). */
  privateMessages: boolean;
  /** False: every upload is refused (`--no-files`). */
  files: boolean;
}

/** What a post is, for the rules it is held to. */
export type PostKind = "message" | "private" | "file" | "private file";

type Request<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;

/** The requests only operators may make. */
export const OPERATOR_REQUESTS = [
  "op",
  "deop",
  "kick",
  "ban",
  "unban",
  "bans",
  "mute",
  "unmute",
  "audit",
  "topic",
  "room_set",
  "release",
  "devices",
] as const;

/** One of {@linkcode OPERATOR_REQUESTS}. */
export type OperatorRequest = Request<typeof OPERATOR_REQUESTS[number]>;

/** Whether `message` is one of the host controls' requests. */
export function isOperatorRequest(message: ClientMessage): message is OperatorRequest {
  return (OPERATOR_REQUESTS as readonly string[]).includes(message.type);
}

/**
 * The host controls of one hub.
 *
 * @example
 * ```ts ignore
 * const moderation = new Moderation(hubSide, { store, privateMessages: true, files: true });
 * await moderation.checkPost(session, { kind: "message", room: "lobby" });
 * const reply = await moderation.handle(session, { type: "kick", rid: "1", nick: "ben" });
 * ```
 */
export class Moderation {
  readonly store: ModerationStore;
  readonly #hub: ModerationHub;
  readonly #options: ModerationOptions;
  /** `owner room` → when that person last posted there: slow mode's clock. */
  readonly #lastPost = new Map<string, number>();

  constructor(hub: ModerationHub, options: ModerationOptions) {
    this.#hub = hub;
    this.#options = options;
    this.store = options.store;
  }

  /** Whether `credential` is the server's operator credential. */
  async isOperatorCredential(credential: string): Promise<boolean> {
    const expected = this.#options.operatorKeyHash;
    if (expected === undefined || expected === "") return false;
    return constantTimeEqual(await sha256Hex(credential), expected);
  }

  /** Whether `nick` is an operator (the role kept for owned nicks). */
  async isOperatorNick(nick: string): Promise<boolean> {
    return await this.store.isOperator(nick);
  }

  /**
   * Signs in the holder of the operator credential: `nick` (owned by them) becomes an operator.
   */
  async signInHost(nick: string, address: string): Promise<void> {
    if (await this.store.setOperator(nick, true)) {
      await this.#audit({ by: nick, action: "host", nick, detail: `from ${address}` });
    }
    this.#hub.log(`${nick} signed in as host from ${address}`);
  }

  /** Throws `banned` when new connections from `address` are refused. */
  async checkAddress(address: string): Promise<void> {
    const ban = (await this.store.bans(this.#hub.now())).find((ban) => ban.address === address);
    if (ban !== undefined) throw bannedError(ban, "Your address is banned");
  }

  /** Throws `banned` when `owner` is banned. */
  async checkOwner(owner: string): Promise<void> {
    const ban = (await this.store.bans(this.#hub.now())).find((ban) => ban.owner === owner);
    if (ban !== undefined) throw bannedError(ban, "You are banned");
  }

  /**
   * Throws unless `member` may enter `room`: a closed room (`room_closed`) or one with a passkey
   * of its own, not given or wrong (`room_locked`). Operators enter any room. `fatal` for a
   * `hello`'s room.
   */
  async checkEntry(
    member: { operator: boolean },
    room: string,
    passkey: string | undefined,
    options: { fatal: boolean },
  ): Promise<void> {
    if (member.operator) return;
    const settings = await this.store.roomSettings(room);
    if (settings.closed) {
      throw new ProtocolError("room_closed", `The room ${room} is closed.`, options);
    }
    if (settings.passkeyHash === "") return;
    if (passkey === undefined) {
      throw new ProtocolError(
        "room_locked",
        `The room ${room} has a passkey of its own; join it with that passkey.`,
        options,
      );
    }
    if (!constantTimeEqual(await sha256Hex(passkey), settings.passkeyHash)) {
      throw new ProtocolError(
        "room_locked",
        `That is not the passkey of the room ${room}.`,
        options,
      );
    }
  }

  /**
   * Throws unless `member` may change a message now (edit it or react to it, section 3.6): not
   * while muted, nor in a closed room. Slow mode and announcement rooms hold posts, not these.
   */
  async checkChange(member: { operator: boolean; owner: string }, room?: string): Promise<void> {
    if (member.operator) return;
    const mute = await this.store.muteOf(member.owner, this.#hub.now());
    if (mute !== undefined) {
      throw new ProtocolError(
        "muted",
        `You are muted by ${mute.by}${untilWords(mute.until)}${reasonWords(mute.reason)}.`,
      );
    }
    if (room !== undefined && (await this.store.roomSettings(room)).closed) {
      throw new ProtocolError("room_closed", `The room ${room} is closed.`);
    }
  }

  /**
   * Throws unless `member` may post `kind` in `room` now: the server's switches, a mute, and the
   * room's settings (closed, announcement only, no files, slow mode). Operators are held only
   * to the server's switches.
   */
  async checkPost(
    member: { operator: boolean; owner: string },
    post: { kind: PostKind; room: string },
  ): Promise<void> {
    const { kind, room } = post;
    if (!this.#options.privateMessages && (kind === "private" || kind === "private file")) {
      throw new ProtocolError("not_permitted", "Private messages are turned off on this server.");
    }
    if (!this.#options.files && (kind === "file" || kind === "private file")) {
      throw new ProtocolError("not_permitted", "Sharing files is turned off on this server.");
    }
    if (member.operator) return;
    const now = this.#hub.now();
    const mute = await this.store.muteOf(member.owner, now);
    if (mute !== undefined) {
      throw new ProtocolError(
        "muted",
        `You are muted by ${mute.by}${untilWords(mute.until)}${reasonWords(mute.reason)}.`,
      );
    }
    if (kind === "private") return;
    const settings = await this.store.roomSettings(room);
    if (settings.closed) {
      throw new ProtocolError("room_closed", `The room ${room} is closed.`);
    }
    if (kind === "private file") return;
    if (settings.announce) {
      throw new ProtocolError("not_permitted", `Only operators post in ${room}.`);
    }
    if (kind === "file" && !settings.files) {
      throw new ProtocolError("not_permitted", `Files are not shared in ${room}.`);
    }
    if (settings.slowSeconds > 0) {
      const key = `${member.owner} ${room}`;
      const wait = (this.#lastPost.get(key) ?? -Infinity) + settings.slowSeconds * 1000 - now;
      if (wait > 0) {
        throw new ProtocolError(
          "slow_mode",
          `${room} is in slow mode: one message every ${settings.slowSeconds} s; wait ${
            Math.ceil(wait / 1000)
          } s.`,
          { retryAfterMs: Math.ceil(wait) },
        );
      }
      this.#lastPost.set(key, now);
    }
  }

  /** The operators among `nicks`: those connected as such, and those with the role. */
  async operatorsAmong(nicks: readonly string[]): Promise<string[]> {
    const ops: string[] = [];
    for (const nick of nicks) {
      const holders = this.#hub.holdersOf(nick);
      const connected = holders.some((holder) => holder.operator);
      if (connected || await this.store.isOperator(nick)) ops.push(nick);
    }
    return ops;
  }

  /** The topic of `room`, `""` for none. */
  async topicOf(room: string): Promise<string> {
    return (await this.store.roomSettings(room)).topic;
  }

  /**
   * Carries out an operator's request and returns the reply. Throws `not_permitted` for anyone
   * else, and the request's own errors (`no_such_user`, `bad_request`).
   */
  async handle(actor: Moderated, request: OperatorRequest): Promise<ServerMessage> {
    if (!actor.operator) {
      throw new ProtocolError(
        "not_permitted",
        `Only operators may use /${request.type === "room_set" ? "room" : request.type}.`,
      );
    }
    switch (request.type) {
      case "op":
      case "deop":
        return await this.#setRole(actor, request.rid, request.nick, request.type === "op");
      case "kick":
        return await this.#kick(actor, request);
      case "ban":
        return await this.#ban(actor, request);
      case "unban":
        return await this.#unban(actor, request);
      case "bans":
        return { type: "ban_list", bans: await this.#banList(), rid: request.rid };
      case "mute":
        return await this.#mute(actor, request);
      case "unmute":
        return await this.#unmute(actor, request);
      case "audit":
        return await this.#auditPage(request);
      case "topic":
        return await this.#topic(actor, request);
      case "room_set":
        return await this.#roomSet(actor, request);
      case "release":
        return await this.#release(actor, request);
      case "devices":
        return await this.#devices(actor, request);
    }
  }

  async #setRole(actor: Moderated, rid: string, nick: string, operator: boolean) {
    const owned = await this.#hub.identities.nickOwner(nick);
    if (owned === undefined) {
      throw new ProtocolError(
        "no_such_user",
        `Nobody owns the nick ${nick}: they log in with it once first.`,
      );
    }
    const changed = await this.store.setOperator(nick, operator);
    await this.#hub.setRole(nick, operator);
    const holders = this.#hub.holdersOf(nick);
    const name = holders[0]?.nick ?? await this.#hub.heldAs(nick) ?? nick;
    if (!changed) {
      return done(rid, `${name} ${operator ? "is already" : "was not"} an operator.`);
    }
    const action = operator ? "op" : "deop";
    await this.#audit({ by: actor.nick, action, nick: name });
    await this.#hub.announce({
      room: holders[0]?.room || actor.room,
      event: action,
      from: name,
      text: operator
        ? `${name} was made an operator by ${actor.nick}.`
        : `${name} is no longer an operator (${actor.nick}).`,
      control: { by: actor.nick },
    });
    return done(
      rid,
      operator ? `${name} is an operator now.` : `${name} is no longer an operator.`,
    );
  }

  async #kick(actor: Moderated, request: Request<"kick">) {
    // Connected here, or to another node of a cluster.
    const holders = this.#hub.holdersOf(request.nick);
    const name = holders[0]?.nick ?? await this.#hub.heldAs(request.nick);
    if (name === undefined) {
      throw new ProtocolError("no_such_user", `Nobody called ${request.nick} is here.`);
    }
    for (const holder of holders) refuseOperator(holder, "kick");
    if (await this.store.isOperator(name)) refuseOperator({ nick: name, operator: true }, "kick");
    const room = holders[0]?.room || actor.room;
    const reason = cleanReason(request.reason);
    await this.#audit({ by: actor.nick, action: "kick", nick: name, room, reason });
    await this.#hub.announce({
      room,
      event: "kick",
      from: name,
      text: `${name} was kicked by ${actor.nick}${reasonWords(reason)}.`,
      control: withReason({ by: actor.nick }, reason),
    });
    await this.#hub.expel(
      { nick: name },
      "kicked",
      `You were kicked by ${actor.nick}${reasonWords(reason)}.`,
    );
    this.#hub.log(`${actor.nick} kicked ${name}${reasonWords(reason)}`);
    return done(request.rid, `${name} was kicked.`);
  }

  async #ban(actor: Moderated, request: Request<"ban">) {
    const { owner, name, holders } = await this.#person(request.nick);
    for (const holder of holders) refuseOperator(holder, "ban");
    if (await this.store.isOperator(request.nick)) {
      refuseOperator({ nick: name, operator: true }, "ban");
    }
    const now = this.#hub.now();
    const reason = cleanReason(request.reason);
    const until = request.duration_s === undefined ? undefined : now + request.duration_s * 1000;
    const base = { nick: name, by: actor.nick, at: now, until, reason };
    await this.store.addBan({ ...base, owner });
    const addresses = new Set<string>();
    if (request.address) {
      for (const connection of this.#hub.connectionsOf(owner)) addresses.add(connection.address);
      for (const address of addresses) await this.store.addBan({ ...base, address });
    }
    const detail = addresses.size === 0 ? undefined : `address ${[...addresses].join(", ")}`;
    await this.#audit({
      by: actor.nick,
      action: "ban",
      nick: name,
      room: holders[0]?.room,
      reason,
      until,
      detail,
    });
    await this.#hub.announce({
      room: holders[0]?.room || actor.room,
      event: "ban",
      from: name,
      text: `${name} was banned by ${actor.nick}${untilWords(until)}${reasonWords(reason)}.`,
      control: withReason({ by: actor.nick, ...(until === undefined ? {} : { until }) }, reason),
    });
    const sentence = `You are banned by ${actor.nick}${untilWords(until)}${reasonWords(reason)}.`;
    await this.#hub.expel({ owner }, "banned", sentence);
    this.#hub.log(`${actor.nick} banned ${name}${untilWords(until)}${reasonWords(reason)}`);
    const also = request.address && addresses.size === 0
      ? " Their address was not banned: they are not connected."
      : addresses.size > 0
      ? ` So is their address (${[...addresses].join(", ")}).`
      : "";
    return done(request.rid, `${name} is banned${untilWords(until)}.${also}`);
  }

  async #unban(actor: Moderated, request: Request<"unban">) {
    if ((request.nick === undefined) === (request.address === undefined)) {
      throw new ProtocolError("bad_request", '"unban" names either a "nick" or an "address".');
    }
    const target = request.nick ?? request.address!;
    const lifted = await this.store.removeBans(
      request.nick !== undefined ? { nick: request.nick } : { address: request.address },
    );
    if (lifted === 0) return done(request.rid, `No ban of ${target} was in force.`);
    await this.#audit({
      by: actor.nick,
      action: "unban",
      nick: request.nick,
      detail: request.address,
    });
    await this.#hub.announce({
      room: actor.room,
      event: "unban",
      from: target,
      text: `${target} is no longer banned (${actor.nick}).`,
      control: { by: actor.nick },
    });
    return done(request.rid, `${target} is no longer banned.`);
  }

  async #banList() {
    return (await this.store.bans(this.#hub.now())).map((ban) => {
      const row: Extract<ServerMessage, { type: "ban_list" }>["bans"][number] = {
        by: ban.by,
        ts: new Date(ban.at).toISOString(),
      };
      if (ban.nick !== undefined) row.nick = ban.nick;
      if (ban.address !== undefined) row.address = ban.address;
      if (ban.until !== undefined) row.until = new Date(ban.until).toISOString();
      if (ban.reason !== undefined) row.reason = ban.reason;
      return row;
    });
  }

  async #mute(actor: Moderated, request: Request<"mute">) {
    const { owner, name, holders } = await this.#person(request.nick);
    for (const holder of holders) refuseOperator(holder, "mute");
    const now = this.#hub.now();
    const reason = cleanReason(request.reason);
    const until = request.duration_s === undefined ? undefined : now + request.duration_s * 1000;
    await this.store.addMute({ owner, nick: name, by: actor.nick, at: now, until, reason });
    await this.#audit({
      by: actor.nick,
      action: "mute",
      nick: name,
      room: holders[0]?.room,
      reason,
      until,
    });
    await this.#hub.announce({
      room: holders[0]?.room || actor.room,
      event: "mute",
      from: name,
      text: `${name} was muted by ${actor.nick}${untilWords(until)}${reasonWords(reason)}.`,
      control: withReason({ by: actor.nick, ...(until === undefined ? {} : { until }) }, reason),
    });
    return done(request.rid, `${name} is muted${untilWords(until)}.`);
  }

  async #unmute(actor: Moderated, request: Request<"unmute">) {
    const { owner, name, holders } = await this.#person(request.nick);
    if (!await this.store.removeMute(owner)) return done(request.rid, `${name} was not muted.`);
    await this.#audit({ by: actor.nick, action: "unmute", nick: name });
    await this.#hub.announce({
      room: holders[0]?.room || actor.room,
      event: "unmute",
      from: name,
      text: `${name} may speak again (${actor.nick}).`,
      control: { by: actor.nick },
    });
    return done(request.rid, `${name} may speak again.`);
  }

  async #auditPage(request: Request<"audit">): Promise<ServerMessage> {
    const limit = request.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
      throw new ProtocolError("bad_request", `Limit ${limit} is outside 1 to ${MAX_HISTORY_PAGE}.`);
    }
    const found = await this.store.audit({ before: request.before, limit: limit + 1 });
    const more = found.length > limit;
    const entries = found.slice(0, limit).map((entry) => {
      const row: Extract<ServerMessage, { type: "audit_list" }>["entries"][number] = {
        id: entry.id,
        ts: new Date(entry.at).toISOString(),
        by: entry.by,
        action: entry.action,
      };
      if (entry.nick !== undefined) row.nick = entry.nick;
      if (entry.room !== undefined) row.room = entry.room;
      if (entry.reason !== undefined) row.reason = entry.reason;
      if (entry.until !== undefined) row.until = new Date(entry.until).toISOString();
      if (entry.detail !== undefined) row.detail = entry.detail;
      return row;
    });
    return { type: "audit_list", entries, more, rid: request.rid };
  }

  async #topic(actor: Moderated, request: Request<"topic">) {
    const room = roomOf(request.room ?? actor.room);
    const topic = request.text.trim();
    const settings = await this.store.roomSettings(room);
    await this.store.setRoomSettings(room, { ...settings, topic });
    await this.#audit({ by: actor.nick, action: "topic", room, detail: topic });
    await this.#hub.announce({
      room,
      event: "topic",
      from: actor.nick,
      text: topic === ""
        ? `${actor.nick} cleared the topic.`
        : `${actor.nick} set the topic: ${topic}`,
      control: { by: actor.nick, topic },
    });
    return done(
      request.rid,
      topic === "" ? `The topic of ${room} is cleared.` : `The topic of ${room} is set.`,
    );
  }

  async #roomSet(actor: Moderated, request: Request<"room_set">): Promise<ServerMessage> {
    const room = roomOf(request.room);
    const before = await this.store.roomSettings(room);
    const after: RoomSettings = { ...before };
    const changes: string[] = [];
    if (request.announce !== undefined && request.announce !== before.announce) {
      after.announce = request.announce;
      changes.push(request.announce ? "only operators post" : "everyone posts");
    }
    if (request.passkey !== undefined) {
      after.passkeyHash = request.passkey === "" ? "" : await sha256Hex(request.passkey);
      if (after.passkeyHash !== before.passkeyHash) {
        changes.push(request.passkey === "" ? "no passkey of its own" : "a passkey of its own");
      }
    }
    if (request.slow_s !== undefined && request.slow_s !== before.slowSeconds) {
      after.slowSeconds = request.slow_s;
      changes.push(request.slow_s === 0 ? "no slow mode" : `slow mode, ${request.slow_s} s`);
    }
    if (request.files !== undefined && request.files !== before.files) {
      after.files = request.files;
      changes.push(request.files ? "files allowed" : "no files");
    }
    if (request.closed !== undefined && request.closed !== before.closed) {
      after.closed = request.closed;
      changes.push(request.closed ? "closed" : "open again");
    }
    if (changes.length > 0) {
      await this.store.setRoomSettings(room, after);
      const detail = changes.join(", ");
      await this.#audit({ by: actor.nick, action: "room_set", room, detail });
      await this.#hub.announce({
        room,
        event: "room",
        from: actor.nick,
        text: `${actor.nick} changed ${room}: ${detail}.`,
        control: { by: actor.nick },
      });
    }
    return roomSettingsMessage(room, after, request.rid);
  }

  async #release(actor: Moderated, request: Request<"release">) {
    if (!await this.#hub.identities.releaseNick(request.nick)) {
      throw new ProtocolError("no_such_user", `Nobody owns the nick ${request.nick}.`);
    }
    await this.store.setOperator(request.nick, false);
    await this.#hub.setRole(request.nick, false);
    await this.#audit({ by: actor.nick, action: "release", nick: request.nick });
    this.#hub.log(`${actor.nick} released the nick ${request.nick}`);
    return done(request.rid, `The nick ${request.nick} belongs to nobody now.`);
  }

  async #devices(actor: Moderated, request: Request<"devices">): Promise<ServerMessage> {
    const owned = await this.#hub.identities.nickOwner(request.nick);
    if (owned === undefined) {
      throw new ProtocolError("no_such_user", `Nobody owns the nick ${request.nick}.`);
    }
    if (request.remove !== undefined) {
      const device = await this.#hub.identities.device(request.remove);
      if (device === undefined || device.owner !== owned.owner) {
        throw new ProtocolError(
          "bad_request",
          `${request.nick} has no device ${request.remove}; /devices ${request.nick} lists them.`,
        );
      }
      await this.#hub.identities.removeDevice(device.id);
      await this.#audit({
        by: actor.nick,
        action: "devices",
        nick: request.nick,
        detail: `removed ${device.id} (${device.name})`,
      });
    }
    const devices = (await this.#hub.identities.devicesOf(owned.owner)).map((device) => ({
      id: device.id,
      name: device.name,
      created: new Date(device.createdAt).toISOString(),
      last_seen: new Date(device.lastSeen).toISOString(),
    }));
    return { type: "device_list", nick: request.nick, devices, rid: request.rid };
  }

  /** The person a nick names: its owner (or its holder's), as they spell it, and their connections. */
  async #person(nick: string): Promise<{ owner: string; name: string; holders: Moderated[] }> {
    const holders = this.#hub.holdersOf(nick);
    const owner = (await this.#hub.identities.nickOwner(nick))?.owner ?? holders[0]?.owner;
    if (owner === undefined) {
      throw new ProtocolError("no_such_user", `Nobody called ${nick} has ever been here.`);
    }
    return { owner, name: holders[0]?.nick ?? await this.#hub.heldAs(nick) ?? nick, holders };
  }

  async #audit(entry: {
    by: string;
    action: string;
    nick?: string;
    room?: string;
    reason?: string;
    until?: number;
    detail?: string;
  }): Promise<void> {
    const kept = Object.fromEntries(
      Object.entries(entry).filter(([, value]) => value !== undefined && value !== ""),
    ) as typeof entry;
    await this.store.appendAudit({ ...kept, at: this.#hub.now() });
  }
}

/** The `room_settings` message of a room. */
export function roomSettingsMessage(
  room: string,
  settings: RoomSettings,
  rid?: string,
): ServerMessage {
  return {
    type: "room_settings",
    room,
    ...(settings.topic === "" ? {} : { topic: settings.topic }),
    announce: settings.announce,
    locked: settings.passkeyHash !== "",
    slow_s: settings.slowSeconds,
    files: settings.files,
    closed: settings.closed,
    rid,
  };
}

function done(rid: string, text: string): ServerMessage {
  return { type: "done", rid, text };
}

/** Operators are not kicked, banned or muted: they are demoted first. */
function refuseOperator(target: { nick: string; operator: boolean }, action: string): void {
  if (target.operator) {
    throw new ProtocolError(
      "not_permitted",
      `${target.nick} is an operator; /deop ${target.nick} before you ${action} them.`,
    );
  }
}

function roomOf(name: string): string {
  const { room, problem } = normalizeRoom(name);
  if (problem !== undefined) throw new ProtocolError("room_invalid", problem);
  return room;
}

function cleanReason(reason: string | undefined): string | undefined {
  const trimmed = reason?.trim();
  return trimmed === "" ? undefined : trimmed;
}

function withReason(control: ControlDetails, reason: string | undefined): ControlDetails {
  return reason === undefined ? control : { ...control, reason };
}

function reasonWords(reason: string | undefined): string {
  return reason === undefined ? "" : `: ${reason}`;
}

function untilWords(until: number | undefined): string {
  return until === undefined
    ? ""
    : ` until ${new Date(until).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function bannedError(ban: Ban, start: string): ProtocolError {
  return new ProtocolError(
    "banned",
    `${start}${untilWords(ban.until)}${reasonWords(ban.reason)}.`,
    { fatal: true },
  );
}

/** Compares two hex digests in time that does not depend on where they differ. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
