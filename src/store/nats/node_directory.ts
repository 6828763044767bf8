import type { KV } from "@nats-io/kv";
import type { NatsContext } from "./context.ts";
import { jsonBytes, keyToken, listKeys, openBucket, readJson } from "./_kv_cas.ts";

/** Where a node of a cluster is reached. */
export interface NodeAddress {
  /** Its `--node-name`. */
  name: string;
  /** `host:port` of its chat port. */
  chat: string;
  /** Its web client's address, such as `http://10.0.0.2:7778/`, when it serves one. */
  web?: string;
}

/** A node's entry: its address and when it last said it was up (its own clock). */
interface Entry extends NodeAddress {
  at: number;
}

/** Settings of {@linkcode NodeDirectory.open}. */
export interface NodeDirectoryOptions {
  /** How often a node says it is up, and reads the others. Default 5 s. */
  everyMs?: number;
  /** A node not heard of for this long is left out. Default 20 s. */
  staleMs?: number;
  now?: () => number;
}

/**
 * The nodes of a cluster and where clients reach them (`welcome.nodes`, PROTOCOL.md section
 * 2.5): each node writes its address into the bucket `PREFIX_nodes` at start and every few
 * seconds, and reads the others' as often, so `list()` answers at once from memory.
 *
 * @example
 * ```ts ignore
 * const nodes = await NodeDirectory.open(context, { name: "a", chat: "10.0.0.1:7777" });
 * nodes.list(); // [{ name: "a", chat: "10.0.0.1:7777" }, { name: "b", … }]
 * ```
 */
export class NodeDirectory {
  readonly #context: NatsContext;
  readonly #kv: KV;
  readonly #self: NodeAddress;
  readonly #everyMs: number;
  readonly #staleMs: number;
  readonly #now: () => number;
  #known: Entry[] = [];
  #refreshedAt = -Infinity;
  #timer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    context: NatsContext,
    kv: KV,
    self: NodeAddress,
    options: NodeDirectoryOptions,
  ) {
    this.#context = context;
    this.#kv = kv;
    this.#self = self;
    this.#everyMs = options.everyMs ?? 5000;
    this.#staleMs = options.staleMs ?? 20_000;
    this.#now = options.now ?? Date.now;
  }

  /** Says this node is up at `self`, reads the others, and keeps doing both. */
  static async open(
    context: NatsContext,
    self: NodeAddress,
    options: NodeDirectoryOptions = {},
  ): Promise<NodeDirectory> {
    const directory = new NodeDirectory(context, await openBucket(context, "nodes"), self, options);
    await directory.#refresh();
    directory.#timer = setInterval(() => void directory.#refresh(), directory.#everyMs);
    return directory;
  }

  /** The nodes up, this one first, then by name. */
  list(): NodeAddress[] {
    const fresh = this.#known.filter((entry) =>
      entry.name !== this.#self.name && this.#now() - entry.at < this.#staleMs
    );
    fresh.sort((a, b) => a.name.localeCompare(b.name));
    return [this.#self, ...fresh].map(({ name, chat, web }) =>
      web === undefined ? { name, chat } : { name, chat, web }
    );
  }

  /**
   * Whether `origin` (a page's, such as `http://10.0.0.2:7778`) is the web client of a node
   * that is up. One it does not know of yet is looked up again (at most once a second): a node
   * that started a moment ago is known before its first page comes over.
   */
  async isWebOrigin(origin: string): Promise<boolean> {
    if (this.#hasWebOrigin(origin)) return true;
    if (this.#now() - this.#refreshedAt < 1000) return false;
    await this.#refresh();
    return this.#hasWebOrigin(origin);
  }

  #hasWebOrigin(origin: string): boolean {
    return this.list().some((node) => {
      if (node.web === undefined) return false;
      try {
        return new URL(node.web).origin === new URL(origin).origin;
      } catch {
        return false;
      }
    });
  }

  /** Stops saying this node is up (the others drop it once it is stale). */
  close(): void {
    clearInterval(this.#timer);
  }

  async #refresh(): Promise<void> {
    this.#refreshedAt = this.#now();
    try {
      await this.#kv.put(keyToken(this.#self.name), jsonBytes({ ...this.#self, at: this.#now() }));
      const entries: Entry[] = [];
      for (const key of await listKeys(this.#context, "nodes", "*")) {
        const entry = await readJson<Entry>(this.#kv, key);
        if (entry !== undefined) entries.push(entry.value);
      }
      this.#known = entries;
    } catch {
      // No quorum or reconnecting: what was known stays until the next refresh.
    }
  }
}
