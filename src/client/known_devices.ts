import { ConfigMap } from "./config_map.ts";

/**
 * The device credentials this machine was given, per server `host:port`, kept in the user's
 * config dir as `devices.json` (mode 0600) beside `known_servers.json`: `chat join` run again
 * comes back in without the passkey, as the same person, with their nicks.
 *
 * @example
 * ```ts ignore
 * const devices = new KnownDevices();
 * await devices.remember("192.168.1.20:7777", welcome.device);
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

  /** The credential of this machine's device on `where`, if it has one. */
  async get(where: string): Promise<string | undefined> {
    return await this.#map.get(where);
  }

  /** Keeps `credential` for `where`, on disk before it returns. */
  remember(where: string, credential: string): void {
    this.#map.setSync(where, credential);
  }
}
