/**
 * The registry as one node sees it: every key of the registry bucket, applied in revision order
 * from a KV watch, and the answers `members()`, `count()`, `rooms()` and friends give from it
 * without asking the servers (they are called on every join and `/who`).
 *
 * The keys (every name part base64url, so any nick, room or node name is a valid key token):
 *
 * | key                         | value                 | written by                       |
 * | --------------------------- | --------------------- | -------------------------------- |
 * | `n.<nickKey>`               | `{"holder","nick"}`   | claim/take (create or CAS)       |
 * | `r.<room>.<holder>`         | empty                 | enter (create: keeps its place)  |
 * | `a.<holder>`                | away text             | setAway                          |
 * | `h.<node>`                  | empty                 | each node's heartbeat            |
 *
 * All changes pass through {@linkcode RegistryView.apply}: a listener that tells the hub about
 * changes made on other nodes would hook in there.
 *
 * @module
 */
import { nickKey } from "../../protocol/names.ts";

/** One change of a key, as a KV watch delivers it. */
export interface ViewEntry {
  key: string;
  operation: "PUT" | "DEL" | "PURGE";
  value: Uint8Array;
  revision: number;
  /** When the server stored it. */
  created: Date;
}

/** A key and the revision it had when seen: what a compare-and-set delete needs. */
export interface KeyRevision {
  key: string;
  revision: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** `text` as base64url without padding: only characters a KV key token may hold. */
export function encodePart(text: string): string {
  let binary = "";
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The text {@linkcode encodePart} encoded. */
export function decodePart(part: string): string {
  const binary = atob(part.replaceAll("-", "+").replaceAll("_", "/"));
  return decoder.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/** The key of a nick claim. */
export function nickEntryKey(nick: string): string {
  return `n.${encodePart(nickKey(nick))}`;
}

/** The key of `holder` being in `room`. */
export function roomEntryKey(room: string, holder: string): string {
  return `r.${encodePart(room)}.${encodePart(holder)}`;
}

/** The key of `holder`'s away mark. */
export function awayEntryKey(holder: string): string {
  return `a.${encodePart(holder)}`;
}

/** The key of `node`'s heartbeat. */
export function nodeEntryKey(node: string): string {
  return `h.${encodePart(node)}`;
}

/** The node a holder id `${node}/m${n}` is on; undefined for ids of another form. */
export function nodeOf(holder: string): string | undefined {
  const slash = holder.lastIndexOf("/");
  return slash <= 0 ? undefined : holder.slice(0, slash);
}

/**
 * Who holds which nick, who is in which room and who is away, kept current by
 * {@linkcode RegistryView.apply}.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { nickEntryKey, RegistryView, roomEntryKey } from "./_registry_view.ts";
 *
 * const view = new RegistryView("a");
 * const value = new TextEncoder().encode(JSON.stringify({ holder: "a/m1", nick: "Ada" }));
 * view.apply({ key: nickEntryKey("Ada"), operation: "PUT", value, revision: 1, created: new Date() });
 * const room = roomEntryKey("lobby", "a/m1");
 * view.apply({ key: room, operation: "PUT", value: new Uint8Array(), revision: 2, created: new Date() });
 * assertEquals(view.members("lobby"), ["Ada"]);
 * ```
 */
export class RegistryView {
  /** The revision of the last change applied. */
  revision = 0;
  /** The newest server timestamp seen (ms): the cluster's clock, as far as this node knows. */
  serverNow = 0;
  /** Nick key → who holds it, as which spelling, since which revision. */
  readonly #nicks = new Map<string, { holder: string; nick: string; revision: number }>();
  /** Holder → the keys of the nicks it holds (two for a moment while it renames). */
  readonly #nicksOf = new Map<string, Map<string, number>>();
  /** Room → its holders and the revision each entered at, in the order they entered. */
  readonly #rooms = new Map<string, Map<string, number>>();
  /** Holder → the rooms it is in. */
  readonly #roomsOf = new Map<string, Set<string>>();
  /** Holder → its away text and the revision it was set at. */
  readonly #away = new Map<string, { text: string; revision: number }>();
  /** Node → the server time and revision of its last heartbeat, and {@linkcode #beats} then. */
  readonly #nodes = new Map<string, { seen: number; revision: number; beats: number }>();
  /** This node's name. */
  readonly #self: string;
  /** How many heartbeats of this node were applied: the cluster worked while they were written. */
  #beats = 0;

  /** A view for node `self`, which never counts itself dead. */
  constructor(self: string) {
    this.#self = self;
  }

  /** Applies one change; changes at or below {@linkcode revision} were applied already. */
  apply(entry: ViewEntry): void {
    if (entry.revision <= this.revision) return;
    this.revision = entry.revision;
    this.serverNow = Math.max(this.serverNow, entry.created.getTime());
    const put = entry.operation === "PUT";
    const [kind, first, second] = entry.key.split(".");
    if (kind === "n") this.#applyNick(entry, put);
    else if (kind === "r" && second !== undefined) {
      this.#applyRoom(decodePart(first), decodePart(second), entry.revision, put);
    } else if (kind === "a") {
      const holder = decodePart(first);
      if (put) {
        this.#away.set(holder, { text: decoder.decode(entry.value), revision: entry.revision });
      } else this.#away.delete(holder);
    } else if (kind === "h") {
      const node = decodePart(first);
      if (node === this.#self && put) this.#beats++;
      if (put) {
        this.#nodes.set(node, {
          seen: entry.created.getTime(),
          revision: entry.revision,
          beats: this.#beats,
        });
      } else this.#nodes.delete(node);
    }
  }

  /** Who holds `nick`, and as which spelling. */
  holder(nick: string): { holder: string; nick: string } | undefined {
    const entry = this.#nicks.get(nickEntryKey(nick));
    return entry === undefined ? undefined : { holder: entry.holder, nick: entry.nick };
  }

  /** The key and revision of `nick`'s claim, if held. */
  nickRevision(nick: string): KeyRevision | undefined {
    const key = nickEntryKey(nick);
    const entry = this.#nicks.get(key);
    return entry === undefined ? undefined : { key, revision: entry.revision };
  }

  /** The nick `holder` holds (the newest, while it renames). */
  nickOf(holder: string): string | undefined {
    let newest: { nick: string; revision: number } | undefined;
    for (const key of this.#nicksOf.get(holder)?.keys() ?? []) {
      const entry = this.#nicks.get(key)!;
      if (newest === undefined || entry.revision > newest.revision) newest = entry;
    }
    return newest?.nick;
  }

  /** The claims `holder` holds other than `keep`'s. */
  otherNicksOf(holder: string, keep: string): KeyRevision[] {
    return [...this.#nicksOf.get(holder) ?? []]
      .filter(([key]) => key !== keep)
      .map(([key, revision]) => ({ key, revision }));
  }

  /** Whether `holder` is in `room`. */
  isIn(room: string, holder: string): boolean {
    return this.#rooms.get(room)?.has(holder) ?? false;
  }

  /** `holder`'s away mark, if any. */
  awayRevision(holder: string): KeyRevision | undefined {
    const away = this.#away.get(holder);
    return away === undefined ? undefined : { key: awayEntryKey(holder), revision: away.revision };
  }

  /** The nicks in `room`, the first `limit` to have entered, sorted. */
  members(room: string, limit = Infinity): string[] {
    const nicks: string[] = [];
    let counted = 0;
    for (const holder of this.#rooms.get(room)?.keys() ?? []) {
      if (counted++ >= limit) break;
      // A holder that lost its nick to a resumed session keeps its place until it leaves.
      const nick = this.nickOf(holder);
      if (nick !== undefined) nicks.push(nick);
    }
    return nicks.sort();
  }

  /** How many are in `room`. */
  count(room: string): number {
    return this.#rooms.get(room)?.size ?? 0;
  }

  /** Every room someone is in, and the lobby, with counts, sorted by name. */
  rooms(): { name: string; users: number }[] {
    const rooms = new Map<string, number>([["lobby", 0]]);
    for (const [name, holders] of this.#rooms) rooms.set(name, holders.size);
    return [...rooms].map(([name, users]) => ({ name, users })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  /** How many nicks are held. */
  online(): number {
    return this.#nicks.size;
  }

  /** The nicks in `room` that are away, sorted. */
  awayIn(room: string): string[] {
    const nicks: string[] = [];
    for (const holder of this.#rooms.get(room)?.keys() ?? []) {
      const nick = this.nickOf(holder);
      if (nick !== undefined && this.#away.has(holder)) nicks.push(nick);
    }
    return nicks.sort();
  }

  /**
   * The nodes to clean up, other than this one: those whose last heartbeat is more than
   * `deadAfterMs` older than the newest server time seen and that missed more than
   * `missedBeats` of this node's heartbeats, with their heartbeat's revision; and those that hold
   * something without a heartbeat at all (a node writes its heartbeat before anything else, so
   * theirs was removed by a cleanup). Counting this node's beats keeps a leader election, when
   * no node can write for seconds, from making every other node look dead to the first one to
   * write again.
   */
  deadNodes(deadAfterMs: number, missedBeats: number): { node: string; heartbeat?: KeyRevision }[] {
    const self = this.#self;
    const dead: { node: string; heartbeat?: KeyRevision }[] = [];
    for (const [node, { seen, revision, beats }] of this.#nodes) {
      if (
        node !== self && this.serverNow - seen > deadAfterMs && this.#beats - beats > missedBeats
      ) {
        dead.push({ node, heartbeat: { key: nodeEntryKey(node), revision } });
      }
    }
    const orphans = new Set<string>();
    for (const holder of this.#holders()) {
      const node = nodeOf(holder);
      if (node !== undefined && node !== self && !this.#nodes.has(node)) orphans.add(node);
    }
    for (const node of orphans) dead.push({ node });
    return dead;
  }

  /** Every key held for the holders on `node`: nick claims, room memberships, away marks. */
  keysOfNode(node: string): KeyRevision[] {
    const keys: KeyRevision[] = [];
    for (const holder of this.#holders()) {
      if (nodeOf(holder) !== node) continue;
      keys.push(...this.otherNicksOf(holder, ""));
      for (const room of this.#roomsOf.get(holder) ?? []) {
        keys.push({
          key: roomEntryKey(room, holder),
          revision: this.#rooms.get(room)!.get(holder)!,
        });
      }
      const away = this.awayRevision(holder);
      if (away !== undefined) keys.push(away);
    }
    return keys;
  }

  /** Every holder that holds a nick, is in a room or is away. */
  #holders(): Set<string> {
    return new Set([...this.#nicksOf.keys(), ...this.#roomsOf.keys(), ...this.#away.keys()]);
  }

  #applyNick(entry: ViewEntry, put: boolean): void {
    const before = this.#nicks.get(entry.key);
    if (before !== undefined) {
      const keys = this.#nicksOf.get(before.holder);
      keys?.delete(entry.key);
      if (keys?.size === 0) this.#nicksOf.delete(before.holder);
    }
    if (!put) {
      this.#nicks.delete(entry.key);
      return;
    }
    const { holder, nick } = JSON.parse(decoder.decode(entry.value)) as {
      holder: string;
      nick: string;
    };
    this.#nicks.set(entry.key, { holder, nick, revision: entry.revision });
    let keys = this.#nicksOf.get(holder);
    if (keys === undefined) this.#nicksOf.set(holder, keys = new Map());
    keys.set(entry.key, entry.revision);
  }

  #applyRoom(room: string, holder: string, revision: number, put: boolean): void {
    if (put) {
      let holders = this.#rooms.get(room);
      if (holders === undefined) this.#rooms.set(room, holders = new Map());
      // Setting an existing key keeps its place in the map: the order stays that of entering.
      holders.set(holder, revision);
      let rooms = this.#roomsOf.get(holder);
      if (rooms === undefined) this.#roomsOf.set(holder, rooms = new Set());
      rooms.add(room);
      return;
    }
    const holders = this.#rooms.get(room);
    holders?.delete(holder);
    if (holders?.size === 0) this.#rooms.delete(room);
    const rooms = this.#roomsOf.get(holder);
    rooms?.delete(room);
    if (rooms?.size === 0) this.#roomsOf.delete(holder);
  }
}
