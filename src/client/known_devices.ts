import { nickKey } from "../protocol/names.ts";
import { ConfigMap } from "./config_map.ts";

/**
 * The device credentials this machine was given, per server `host:port` and nick, kept in the
 * user's config dir as `devices.json` (mode 0600) beside `known_servers.json`: `chat join` run
 * again comes back in without the passkey, as the same person, with their nicks. Kept per nick
 * too, so that two people who share one account of a machine (or a script and its user) stay
 * two people.
 *
 * @example
 * ```ts ignore
 * const devices = new KnownDevices();
 * devices.remember("192.168.1.20:7777", "ana", welcome.device);
 * await devices.get("192.168.1.20:7777", "ana");
 * ```
 */
export class KnownDevices {
  readonly #map: ConfigMap;

  constructor(path: string = ConfigMap.pathOf("devices.json")) {
    this.#map = new ConfigMap(path, "devices");
  }

  /** The file. */
  get path(): string {
    return this.#map.path;
  }

  /**
   * The credential this machine was given on `where` as `nick`; with `anyNick`, failing that,
   * one it was given there under any nick (for a connection that only moves files).
   */
  async get(
    where: string,
    nick: string,
    options: { anyNick?: boolean } = {},
  ): Promise<string | undefined> {
    const exact = await this.#map.get(key(where, nick));
    if (exact !== undefined || !options.anyNick) return exact;
    const prefix = `${where} `;
    const entries = await this.#map.entries();
    return entries.find(([name]) => name.startsWith(prefix))?.[1];
  }

  /** Keeps `credential` for `where` and `nick`, on disk before it returns. */
  remember(where: string, nick: string, credential: string): void {
    this.#map.setSync(key(where, nick), credential);
  }
}

function key(where: string, nick: string): string {
  return `${where} ${nickKey(nick)}`;
}
