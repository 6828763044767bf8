import { dirname, join } from "@std/path";

/**
 * A small JSON file of this user's, mapping `host:port` to a string, in the config dir
 * (`$CHAT_CONFIG_DIR`, else `$XDG_CONFIG_HOME/chat`, `~/.config/chat`, or `%APPDATA%\chat`).
 * Written aside and renamed, mode 0600, so a crash never leaves a half-written file and other
 * users cannot read it. Deno only: the browser keeps its own in `localStorage`.
 *
 * @example
 * ```ts ignore
 * const devices = new ConfigMap(ConfigMap.pathOf("devices.json"), "devices");
 * await devices.set("192.168.1.20:7777", "3f9c….zm9v…");
 * ```
 */
export class ConfigMap {
  readonly path: string;
  readonly #key: string;

  /** A map kept in the file at `path`, under the top-level field `key`. */
  constructor(path: string, key: string) {
    this.path = path;
    this.#key = key;
  }

  /** Where `fileName` lives in this user's config dir. */
  static pathOf(fileName: string): string {
    const env = (name: string) => Deno.env.get(name) || undefined;
    const dir = env("CHAT_CONFIG_DIR") ??
      (env("XDG_CONFIG_HOME") ? join(env("XDG_CONFIG_HOME")!, "chat") : undefined) ??
      (Deno.build.os === "windows" && env("APPDATA") ? join(env("APPDATA")!, "chat") : undefined) ??
      join(env("HOME") ?? env("USERPROFILE") ?? ".", ".config", "chat");
    return join(dir, fileName);
  }

  /** Every entry, in the order they were first kept. */
  async entries(): Promise<[string, string][]> {
    return Object.entries(await this.#read());
  }

  /** The value kept for `where`, if any. */
  async get(where: string): Promise<string | undefined> {
    return (await this.#read())[where];
  }

  /** Keeps `value` for `where`, or forgets `where` when `value` is undefined. */
  async set(where: string, value: string | undefined): Promise<void> {
    const entries = await this.#read();
    if (value === undefined) delete entries[where];
    else entries[where] = value;
    await Deno.mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${crypto.randomUUID()}.tmp`;
    await Deno.writeTextFile(temporary, JSON.stringify({ [this.#key]: entries }, null, 2) + "\n", {
      mode: 0o600,
    });
    await Deno.rename(temporary, this.path);
  }

  /**
   * Like {@linkcode ConfigMap.set}, but done before it returns: for what must be on disk even if
   * the program ends right after (a command that has sent its last line).
   */
  setSync(where: string, value: string | undefined): void {
    const entries = this.#readSync();
    if (value === undefined) delete entries[where];
    else entries[where] = value;
    Deno.mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${crypto.randomUUID()}.tmp`;
    Deno.writeTextFileSync(temporary, JSON.stringify({ [this.#key]: entries }, null, 2) + "\n", {
      mode: 0o600,
    });
    Deno.renameSync(temporary, this.path);
  }

  #readSync(): Record<string, string> {
    try {
      return this.#parse(Deno.readTextFileSync(this.path));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return {};
      throw new Error(`Cannot read ${this.path}: ${(error as Error).message}`);
    }
  }

  #parse(text: string): Record<string, string> {
    const entries = JSON.parse(text)?.[this.#key];
    return typeof entries === "object" && entries !== null ? entries : {};
  }

  async #read(): Promise<Record<string, string>> {
    try {
      return this.#parse(await Deno.readTextFile(this.path));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return {};
      throw new Error(`Cannot read ${this.path}: ${(error as Error).message}`);
    }
  }
}
