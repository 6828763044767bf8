import * as colors from "@std/fmt/colors";
import {
  ChatClient,
  ChatError,
  dialer,
  formatAddress,
  KnownDevices,
  type TlsTrust,
} from "../client/mod.ts";
import type { ServerMessage } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { askPasskey, CLI_CLIENT_NAME, defaultNick } from "./credentials.ts";

/** What a client command gives the server to be let in (PROTOCOL.md section 2.4). */
export interface LoginCredentials {
  device?: string;
  link?: string;
  invite?: string;
  passkey?: string;
}

/**
 * What lets this machine in to one server, and what it learns: the device it was given there
 * (kept in the config dir's `devices.json`), an invite from a link, and the passkey from
 * `$CHAT_PASSKEY` or, on a terminal, asked for — but only when there is neither a device nor an
 * invite, so that a machine that joined once is never asked again.
 *
 * @example
 * ```ts ignore
 * const login = new Login("192.168.1.20:7777", { nick: "ana", interactive: true, command: "join" });
 * const client = await ReconnectingClient.connect({ ...await login.credentials(), onDevice: (d) => login.remember(d), … });
 * ```
 */
export class Login {
  readonly #where: string;
  #nick: string;
  readonly #anyNick: boolean;
  readonly #interactive: boolean;
  readonly #command: string;
  readonly #devices = new KnownDevices();
  #invite: string | undefined;
  #link: string | undefined;
  #passkey: string | undefined = Deno.env.get("CHAT_PASSKEY") || undefined;
  #device: string | undefined;
  /** The nick #device was looked up for; undefined before the first look. */
  #loadedFor: string | undefined;

  constructor(
    where: string,
    options: {
      nick: string;
      /** Any device of this machine on the server will do: the nick is only a label. */
      anyNick?: boolean;
      invite?: string;
      link?: string;
      interactive: boolean;
      command: string;
    },
  ) {
    this.#where = where;
    this.#nick = options.nick;
    this.#anyNick = options.anyNick ?? false;
    this.#invite = options.invite;
    this.#link = options.link;
    this.#interactive = options.interactive;
    this.#command = options.command;
  }

  /** The credentials to give now; asks for the passkey when nothing else would let us in. */
  async credentials(): Promise<LoginCredentials> {
    if (this.#loadedFor !== this.#nick) {
      this.#loadedFor = this.#nick;
      this.#device = await this.#devices.get(this.#where, this.#nick, { anyNick: this.#anyNick })
        .catch(() => undefined);
    }
    const other = this.#invite ?? this.#link ?? this.#passkey;
    if (this.#device === undefined && other === undefined) {
      if (!this.#interactive) {
        throw new CliError(
          `No passkey: set CHAT_PASSKEY, or run chat ${this.#command} on a terminal to be asked ` +
            "for it.",
          ExitCode.USAGE,
        );
      }
      this.#passkey = askPasskey();
    }
    return {
      device: this.#device,
      link: this.#link,
      invite: this.#invite,
      passkey: this.#passkey,
    };
  }

  /** Joins as `nick` from now on (asked again after a refusal): its own device, if any. */
  setNick(nick: string): void {
    this.#nick = nick;
  }

  /**
   * Keeps the device the server made for this machine, on disk at once, for the nick in use, or
   * the device in use for `nick` as well (the person's new nick after `/nick`).
   */
  remember(device: string | undefined, nick = this.#nick): void {
    const credential = device ?? this.#device;
    if (credential === undefined) return;
    if (device !== undefined) {
      this.#device = device;
      // An invite or a link code is for getting in once; the device is how one comes back.
      this.#invite = undefined;
      this.#link = undefined;
    }
    try {
      this.#devices.remember(this.#where, nick, credential);
    } catch (error) {
      console.error(colors.yellow(`Could not remember this device: ${(error as Error).message}`));
    }
  }

  /**
   * Learns from a refusal: for a device the server signed out, and for a wrong passkey, the
   * passkey is asked for on a terminal. True when trying again may work.
   */
  refused(error: ChatError): boolean {
    // A signed-out device is kept: given again with the passkey, it proves this is the same
    // person, who keeps their nicks (PROTOCOL.md section 2.4), and the server makes a new one.
    const hadOther = this.#passkey !== undefined || this.#invite !== undefined ||
      this.#link !== undefined;
    const askAgain = (error.code === "bad_device" && !hadOther) || error.code === "bad_passkey";
    if (!askAgain || !this.#interactive) return false;
    console.error(colors.red(error.message));
    this.#passkey = askPasskey();
    return true;
  }
}

/**
 * Connects for a file command: no presence in the room (no join notice, nick not claimed),
 * nick from --nick or the user name, let in by this machine's device or the passkey. Connection
 * failures are thrown as {@linkcode ChatError}. With `presence` (`chat export`, which pages
 * history) the connection joins as the person does, under their nick.
 */
export async function connectForFiles(
  address: { hostname: string; port: number },
  options: {
    nick?: string;
    room?: string;
    tls?: TlsTrust;
    onMessage?: (message: ServerMessage) => void;
    presence?: boolean;
    command?: string;
  },
): Promise<ChatClient> {
  const nick = options.nick ?? defaultNick();
  const login = new Login(formatAddress(address), {
    nick,
    anyNick: true,
    interactive: Deno.stdin.isTerminal(),
    command: options.command ?? "send-file",
  });
  for (;;) {
    try {
      return await ChatClient.connect({
        open: dialer({ ...address, tls: options.tls }),
        clientName: CLI_CLIENT_NAME,
        nick,
        ...await login.credentials(),
        room: options.room,
        presence: options.presence ?? false,
        onMessage: (message) => {
          if (message.type === "welcome" && message.device !== undefined) {
            login.remember(message.device);
          }
          options.onMessage?.(message);
        },
      });
    } catch (error) {
      if (!(error instanceof ChatError) || !login.refused(error)) throw error;
    }
  }
}
