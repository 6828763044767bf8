/**
 * What the host controls keep (PROTOCOL.md section 3.5): who is an operator, who is banned or
 * muted until when, each room's settings, and the audit log of every operator action. Behind an
 * interface, as the event log and the identities are, so that a cluster can keep it in a
 * key-value store; implementations: memory and SQLite. Times are milliseconds since the epoch;
 * nicks are compared by `nickKey()`.
 *
 * @module
 */

/**
 * A ban: of a person (by their owner id, named by the nick they held) or of an address. A ban of
 * both is two bans.
 */
export interface Ban {
  /** The nick the person held when banned, as written; none for an address alone. */
  nick?: string;
  /** The person's owner id: every device and nick of theirs is kept out. */
  owner?: string;
  /** An IP address whose new connections are refused. */
  address?: string;
  /** The operator's nick. */
  by: string;
  /** When it was decided. */
  at: number;
  /** When it ends; none: never. */
  until?: number;
  reason?: string;
}

/** A person who may read but not post. */
export interface Mute {
  /** The person's owner id. */
  owner: string;
  /** Their nick when muted, as written. */
  nick: string;
  by: string;
  at: number;
  until?: number;
  reason?: string;
}

/** A room's settings; a room never set has {@linkcode DEFAULT_ROOM_SETTINGS}. */
export interface RoomSettings {
  /** `""`: none. */
  topic: string;
  /** Only operators post. */
  announce: boolean;
  /** Lowercase hex SHA-256 of the room's own passkey; `""`: none. */
  passkeyHash: string;
  /** Seconds one person waits between two messages; 0: no slow mode. */
  slowSeconds: number;
  /** Files may be shared there. */
  files: boolean;
  /** Nobody but operators joins or posts. */
  closed: boolean;
}

/** The settings of a room nobody changed. */
export const DEFAULT_ROOM_SETTINGS: Readonly<RoomSettings> = Object.freeze({
  topic: "",
  announce: false,
  passkeyHash: "",
  slowSeconds: 0,
  files: true,
  closed: false,
});

/** One operator action, as the audit log keeps it. */
export interface AuditEntry {
  /** Increasing, from 1. */
  id: number;
  at: number;
  /** The operator's nick. */
  by: string;
  /** The request's type (`kick`, `ban`, `room_set` …) or `host` for a sign-in with the credential. */
  action: string;
  /** The person concerned. */
  nick?: string;
  room?: string;
  reason?: string;
  until?: number;
  /** Anything else worth keeping, in words: the settings changed, the address banned. */
  detail?: string;
}

/**
 * The host controls' state.
 *
 * @example
 * ```ts ignore
 * await store.setOperator("ana", true);
 * await store.addBan({ nick: "ben", owner: "o2", by: "ana", at: Date.now() });
 * (await store.bans(Date.now())).length; // 1
 * ```
 */
export interface ModerationStore {
  /** Makes `nick` an operator or not; false when it already was what it is asked to be. */
  setOperator(nick: string, operator: boolean): Promise<boolean>;
  /** Whether `nick` is an operator. */
  isOperator(nick: string): Promise<boolean>;
  /** Every operator's nick, by `nickKey()`, sorted. */
  operators(): Promise<string[]>;

  /** Adds a ban; one of the same owner or address replaces it. */
  addBan(ban: Ban): Promise<void>;
  /**
   * Lifts the bans of the person who held `nick` when banned, or of `address`; returns how many
   * were lifted.
   */
  removeBans(target: { nick?: string; address?: string }): Promise<number>;
  /** The bans in force at `now`, oldest first (ended ones are forgotten). */
  bans(now: number): Promise<Ban[]>;

  /** Mutes a person; an earlier mute of the same owner is replaced. */
  addMute(mute: Mute): Promise<void>;
  /** Unmutes the owner; false when they were not muted. */
  removeMute(owner: string): Promise<boolean>;
  /** The owner's mute in force at `now`, if any. */
  muteOf(owner: string, now: number): Promise<Mute | undefined>;

  /** The settings of `room` (already normalised). */
  roomSettings(room: string): Promise<RoomSettings>;
  /** Stores the settings of `room`. */
  setRoomSettings(room: string, settings: RoomSettings): Promise<void>;

  /** Appends to the audit log; returns the entry with its id. */
  appendAudit(entry: Omit<AuditEntry, "id">): Promise<AuditEntry>;
  /** The newest `limit` entries with `id < before` (all when `before` is absent), newest first. */
  audit(options: { before?: number; limit: number }): Promise<AuditEntry[]>;

  /** Releases the store. */
  close(): Promise<void>;
}
