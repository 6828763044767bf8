import { dirname, join } from "@std/path";

/**
 * The certificate fingerprints this user has accepted, per `host:port`, kept in the user's
 * config dir (`$CHAT_CONFIG_DIR`, else `$XDG_CONFIG_HOME/chat`, `~/.config/chat`, or
 * `%APPDATA%\chat`) as `known_servers.json`, the way SSH keeps `known_hosts`.
 */
export class KnownServers {
  readonly path: string;

  constructor(path: string = KnownServers.defaultPath()) {
    this.path = path;
  }

  /** Where the file lives for this user. */
  static defaultPath(): string {
    const env = (name: string) => Deno.env.get(name) || undefined;
    const dir = env("CHAT_CONFIG_DIR") ??
      (env("XDG_CONFIG_HOME") ? join(env("XDG_CONFIG_HOME")!, "chat") : undefined) ??
      (Deno.build.os === "windows" && env("APPDATA") ? join(env("APPDATA")!, "chat") : undefined) ??
      join(env("HOME") ?? env("USERPROFILE") ?? ".", ".config", "chat");
    return join(dir, "known_servers.json");
  }

  /** The fingerprint remembered for `where` (`host:port`), if any. */
  async get(where: string): Promise<string | undefined> {
    return (await this.#read())[where];
  }

  /** Remembers `fingerprint` for `where`. */
  async remember(where: string, fingerprint: string): Promise<void> {
    const servers = await this.#read();
    servers[where] = fingerprint;
    await Deno.mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    // Written aside and renamed, so a crash never leaves a half-written file behind.
    const temporary = `${this.path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(temporary, JSON.stringify({ servers }, null, 2) + "\n", {
      mode: 0o600,
    });
    await Deno.rename(temporary, this.path);
  }

  async #read(): Promise<Record<string, string>> {
    try {
      const parsed = JSON.parse(await Deno.readTextFile(this.path));
      const servers = parsed?.servers;
      return typeof servers === "object" && servers !== null ? servers : {};
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return {};
      throw new Error(`Cannot read ${this.path}: ${(error as Error).message}`);
    }
  }
}
