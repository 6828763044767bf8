import { ConfigMap } from "./config_map.ts";

/**
 * The certificate fingerprints this user has accepted, per `host:port`, kept in the user's
 * config dir as `known_servers.json`, the way SSH keeps `known_hosts`.
 */
export class KnownServers {
  readonly #map: ConfigMap;

  constructor(path: string = KnownServers.defaultPath()) {
    this.#map = new ConfigMap(path, "servers");
  }

  /** The file. */
  get path(): string {
    return this.#map.path;
  }

  /** Where the file lives for this user. */
  static defaultPath(): string {
    return ConfigMap.pathOf("known_servers.json");
  }

  /** The fingerprint remembered for `where` (`host:port`), if any. */
  async get(where: string): Promise<string | undefined> {
    return await this.#map.get(where);
  }

  /** Remembers `fingerprint` for `where`. */
  async remember(where: string, fingerprint: string): Promise<void> {
    await this.#map.set(where, fingerprint);
  }
}
