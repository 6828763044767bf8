/**
 * A device that has been let in once and is remembered: a browser profile, or `chat` on one
 * machine. It holds a secret the server never keeps (only its SHA-256), and belongs to an owner:
 * the person, who owns nicks and may link more devices.
 */
export interface Device {
  /** Random, public: names the device in lists and in its credential. */
  id: string;
  /** The owner's id. */
  owner: string;
  /** Lowercase hex SHA-256 of the device's secret. */
  secretHash: string;
  /**
   * The tag of the passkey it was let in under ({@linkcode PasskeyChecker.tag}): a new passkey
   * signs every device out.
   */
  passkeyTag: string;
  /** What the client called itself when the device was made, for lists. */
  name: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  lastSeen: number;
}

/** Who owns a nick, and the highest event id when they claimed it. */
export interface NickClaim {
  owner: string;
  since: number;
}

/** An invite: admits like the passkey until it expires or the passkey changes. */
export interface Invite {
  /** Lowercase hex SHA-256 of the invite token. */
  tokenHash: string;
  passkeyTag: string;
  createdAt: number;
  expires: number;
}

/**
 * Who owns which nick, which devices belong to whom, and the invites and link codes that let new
 * devices in. Tokens and secrets are kept only as their SHA-256: a copy of the store lets nobody
 * in. Implementations: memory and SQLite; a cluster puts it in a key-value store, where a nick
 * claim is a compare-and-set.
 */
export interface IdentityStore {
  /** Stores a new device. */
  addDevice(device: Device): Promise<void>;
  /** The device with this id, if it exists. */
  device(id: string): Promise<Device | undefined>;
  /** The devices of `owner`, oldest first. */
  devicesOf(owner: string): Promise<Device[]>;
  /** Records that a device was used at `at`. */
  touchDevice(id: string, at: number): Promise<void>;
  /** Forgets a device: its credential no longer lets anyone in. False when it did not exist. */
  removeDevice(id: string): Promise<boolean>;
  /**
   * Makes `owner` the owner of `nick` (compared by `nickKey()`) unless another owner has it;
   * `since` is the highest event id stored at the claim: the private messages of the nick that
   * belong to its owner are those after it. Returns the nick's claim afterwards: `owner`'s when
   * the claim held or it already owned the nick.
   */
  claimNick(nick: string, owner: string, since: number): Promise<NickClaim>;
  /** Who owns `nick` and since which event id, if anyone owns it. */
  nickOwner(nick: string): Promise<NickClaim | undefined>;
  /** Frees `nick` for anyone to claim. False when nobody owned it. */
  releaseNick(nick: string): Promise<boolean>;
  /** The nicks `owner` owns, as first claimed, sorted. */
  nicksOf(owner: string): Promise<string[]>;
  /** Stores a new invite. */
  addInvite(invite: Invite): Promise<void>;
  /** The invite with this token hash, unless it expired before `now`. */
  invite(tokenHash: string, now: number): Promise<Invite | undefined>;
  /** Stores a code that lets one more device of `owner` in until `expires`. */
  addLinkCode(code: { codeHash: string; owner: string; expires: number }): Promise<void>;
  /** The owner a link code lets in, unless it expired before `now`; the code is used up. */
  takeLinkCode(codeHash: string, now: number): Promise<string | undefined>;
  /** Forgets expired invites and link codes before `now`; returns how many. */
  sweep(now: number): Promise<number>;
  /** Releases the store. */
  close(): Promise<void>;
}
