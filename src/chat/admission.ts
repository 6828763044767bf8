import { ProtocolError } from "../protocol/mod.ts";
import type { IdentityStore } from "./identity_store.ts";
import type { PasskeyChecker } from "./passkey.ts";
import type { PasskeyGuard } from "./abuse_guard.ts";
import { randomBase32, randomHex, sha256Hex } from "./_random.ts";

/** How long a link code lets a second device in. */
export const LINK_CODE_TTL_MS = 10 * 60 * 1000;

/** Characters of a link code, shown in two groups of four: `7KQ2-M9XD` (40 bits). */
const LINK_CODE_CHARS = 8;

/** What a `hello` may carry to be let in; the first one present is used, in this order. */
export interface Credentials {
  /** A device credential from an earlier `welcome.device`: `ID.SECRET`. */
  device?: string;
  /** A link code shown on another device of the same person. */
  link?: string;
  /** An invite token from an invite link. */
  invite?: string;
  passkey?: string;
}

/** Who a `hello` let in. */
export interface Admitted {
  /** The person: owner of the device and of its nicks (a new one for a first login). */
  owner: string;
  /** The device it came in on; none yet for a first login, until {@linkcode Admission.remember}. */
  deviceId?: string;
}

/** Settings of {@linkcode Admission}. */
export interface AdmissionOptions {
  identities: IdentityStore;
  passkey: PasskeyChecker;
  /** Counts failures of every kind of credential per address: guessing is guessing. */
  guard: PasskeyGuard;
  now: () => number;
  log: (line: string) => void;
}

/**
 * Lets a connection in by its credential: a remembered device, a link code, an invite, or the
 * passkey. The first login of a device (by passkey or invite) makes the device, and a new person
 * who owns it; a link code makes another device of the person who asked for the code. Devices
 * and invites carry the tag of the passkey they were made under, so a new passkey signs every
 * device out and revokes every invite.
 *
 * @example
 * ```ts ignore
 * const admitted = await admission.admit({ passkey: "7kq2m-9xd4t-r8p3c" }, {
 *   remote: "192.0.2.7:50000",
 *   address: "192.0.2.7",
 * });
 * const credential = await admission.remember(admitted, "chat/0.1.0"); // "3f9c….zm9v…"
 * ```
 */
export class Admission {
  readonly #options: AdmissionOptions;

  constructor(options: AdmissionOptions) {
    this.#options = options;
  }

  /**
   * Checks `credentials` from a connection (one turn of the guard for its address, and a log
   * line naming its `remote` on failure), and returns who they let in.
   * Throws a fatal {@linkcode ProtocolError} otherwise: `locked_out`, `bad_passkey`,
   * `bad_invite`, `bad_device` or `bad_link_code`.
   */
  async admit(
    credentials: Credentials,
    from: { remote: string; address: string },
  ): Promise<Admitted> {
    const turn = await this.#options.guard.turn(from.address);
    if (typeof turn === "number") {
      throw new ProtocolError(
        "locked_out",
        `Too many wrong passkeys from your address; try again in ${Math.ceil(turn / 1000)} s.`,
        { fatal: true, retryAfterMs: turn },
      );
    }
    let admitted: Admitted | ProtocolError | undefined;
    try {
      admitted = await this.#check(credentials);
    } finally {
      const failed = !(admitted !== undefined && !(admitted instanceof ProtocolError));
      const lockout = turn.settle(!failed);
      if (failed) {
        this.#options.log(
          `auth failure from ${from.remote}: ${describe(credentials)}` +
            (lockout > 0 ? `; address locked out for ${Math.ceil(lockout / 1000)} s` : ""),
        );
      }
    }
    if (admitted instanceof ProtocolError) throw admitted;
    return admitted;
  }

  /** A new invite, valid for `ttlMs`: its token (a secret) and when it expires. */
  async createInvite(ttlMs: number): Promise<{ token: string; expires: number }> {
    const now = this.#options.now();
    const token = randomBase32(26);
    const expires = now + ttlMs;
    await this.#options.identities.sweep(now);
    await this.#options.identities.addInvite({
      tokenHash: await sha256Hex(token),
      passkeyTag: this.#options.passkey.tag,
      createdAt: now,
      expires,
    });
    return { token, expires };
  }

  /** A code that lets one more device of `owner` in, for {@linkcode LINK_CODE_TTL_MS}. */
  async createLinkCode(owner: string): Promise<{ code: string; expires: number }> {
    const code = randomBase32(LINK_CODE_CHARS);
    const expires = this.#options.now() + LINK_CODE_TTL_MS;
    await this.#options.identities.addLinkCode({
      codeHash: await sha256Hex(code),
      owner,
      expires,
    });
    return { code: `${code.slice(0, 4)}-${code.slice(4)}`.toUpperCase(), expires };
  }

  /**
   * The first credential that lets the connection in. A device that is no longer signed in, sent
   * with the passkey or an invite (as a client that keeps both does), falls back on them; only
   * when none works is the last refusal returned.
   */
  async #check(credentials: Credentials): Promise<Admitted | ProtocolError> {
    const device = await this.#checkDevice(credentials);
    const hasOther = credentials.link !== undefined || credentials.invite !== undefined ||
      credentials.passkey !== undefined;
    if (device !== undefined && !(device instanceof SignedOut)) return device;
    if (!hasOther) {
      return new ProtocolError(
        "bad_device",
        "This device is no longer signed in to the server (the passkey changed or the device " +
          "was removed); log in with the passkey or an invite.",
        { fatal: true },
      );
    }
    const other = await this.#checkOthers(credentials);
    // A device signed out by a new passkey still proves who its person is: let in again with
    // the new passkey (or an invite), they keep their nicks, on a new device.
    if (device?.owner !== undefined && !(other instanceof ProtocolError)) {
      await this.#options.identities.removeDevice(device.id);
      return { owner: device.owner };
    }
    return other;
  }

  /**
   * The device of `credentials.device`: admitted, signed out (its secret is right but it was
   * let in under another passkey, so its person is known), or unknown; `undefined` without one.
   */
  async #checkDevice(credentials: Credentials): Promise<Admitted | SignedOut | undefined> {
    const { identities, passkey, now } = this.#options;
    if (credentials.device === undefined) return undefined;
    const [id, secret] = credentials.device.split(".");
    const device = id === undefined || secret === undefined
      ? undefined
      : await identities.device(id);
    if (device === undefined || !equalHex(await sha256Hex(secret), device.secretHash)) {
      return new SignedOut(id ?? "");
    }
    if (device.passkeyTag !== passkey.tag) return new SignedOut(device.id, device.owner);
    await identities.touchDevice(device.id, now());
    return { owner: device.owner, deviceId: device.id };
  }

  async #checkOthers(credentials: Credentials): Promise<Admitted | ProtocolError> {
    const { identities, passkey, now } = this.#options;
    if (credentials.link !== undefined) {
      const code = credentials.link.toLowerCase().replace(/[^0-9a-z]/g, "");
      const owner = await identities.takeLinkCode(await sha256Hex(code), now());
      if (owner === undefined) {
        return new ProtocolError(
          "bad_link_code",
          "The link code is wrong or has expired; show a new one on your other device.",
          { fatal: true },
        );
      }
      return { owner };
    }
    if (credentials.invite !== undefined) {
      const invite = await identities.invite(await sha256Hex(credentials.invite), now());
      if (invite === undefined || invite.passkeyTag !== passkey.tag) {
        return new ProtocolError(
          "bad_invite",
          "The invite has expired or was revoked; ask someone in the room for a new one.",
          { fatal: true },
        );
      }
      return { owner: randomHex(12) };
    }
    if (credentials.passkey === undefined || !await passkey.matches(credentials.passkey)) {
      return new ProtocolError(
        "bad_passkey",
        credentials.passkey === undefined
          ? "This server needs the passkey or an invite; ask the person running it."
          : "The passkey is wrong; ask the person running the server for the current one.",
        { fatal: true },
      );
    }
    return { owner: randomHex(12) };
  }

  /**
   * Makes the device of a first login (one `admit` returned without a `deviceId`) and returns its
   * credential, `ID.SECRET`, for `welcome.device`; `undefined` when the login came in on a device.
   */
  async remember(admitted: Admitted, client: string): Promise<string | undefined> {
    if (admitted.deviceId !== undefined) return undefined;
    const id = randomHex(8);
    const secret = randomBase32(52);
    const at = this.#options.now();
    await this.#options.identities.addDevice({
      id,
      owner: admitted.owner,
      secretHash: await sha256Hex(secret),
      passkeyTag: this.#options.passkey.tag,
      name: client.slice(0, 100),
      createdAt: at,
      lastSeen: at,
    });
    admitted.deviceId = id;
    return `${id}.${secret}`;
  }
}

/** A device credential that no longer lets anyone in; its person, when its secret was right. */
class SignedOut {
  constructor(readonly id: string, readonly owner?: string) {}
}

/** Names the kind of credential that failed, for the log: never the credential itself. */
function describe(credentials: Credentials): string {
  if (credentials.link !== undefined) return "wrong link code";
  if (credentials.invite !== undefined) return "invalid invite";
  if (credentials.passkey !== undefined) return "wrong passkey";
  return "unknown device";
}

/** Compares two hex digests in time that does not depend on where they differ. */
function equalHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
