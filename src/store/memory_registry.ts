import type { Registry, RoomCount } from "../chat/registry.ts";
import { nickKey } from "../protocol/names.ts";

/**
 * The {@linkcode Registry} of a single server: who is online and where, in memory (it is gone
 * with the process, as the connections are).
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryRegistry } from "./memory_registry.ts";
 *
 * const registry = new MemoryRegistry();
 * assertEquals(await registry.claim("Ada", "c1"), true);
 * assertEquals(await registry.claim("ada", "c2"), false);
 * await registry.enter("lobby", "c1");
 * assertEquals(await registry.members("lobby"), ["Ada"]);
 * ```
 */
export class MemoryRegistry implements Registry {
  /** Nick key → who holds it and as which spelling. */
  readonly #nicks = new Map<string, { holder: string; nick: string }>();
  /** Holder → the nick it holds. */
  readonly #held = new Map<string, string>();
  /** Room → its holders, in the order they entered. */
  readonly #rooms = new Map<string, Set<string>>();
  /** Holder → its away text, for those away. */
  readonly #away = new Map<string, string>();

  claim(nick: string, holder: string): Promise<boolean> {
    const current = this.#nicks.get(nickKey(nick));
    if (current !== undefined && current.holder !== holder) return Promise.resolve(false);
    this.#give(nick, holder);
    return Promise.resolve(true);
  }

  take(nick: string, holder: string): Promise<string | undefined> {
    const previous = this.#nicks.get(nickKey(nick))?.holder;
    if (previous !== undefined && previous !== holder) this.#held.delete(previous);
    this.#give(nick, holder);
    return Promise.resolve(previous === holder ? undefined : previous);
  }

  release(nick: string, holder: string): Promise<void> {
    const key = nickKey(nick);
    if (this.#nicks.get(key)?.holder === holder) {
      this.#nicks.delete(key);
      if (this.#held.get(holder) !== undefined && nickKey(this.#held.get(holder)!) === key) {
        this.#held.delete(holder);
        this.#away.delete(holder);
      }
    }
    return Promise.resolve();
  }

  holder(nick: string): Promise<{ holder: string; nick: string } | undefined> {
    const entry = this.#nicks.get(nickKey(nick));
    return Promise.resolve(entry === undefined ? undefined : { ...entry });
  }

  enter(room: string, holder: string): Promise<void> {
    let holders = this.#rooms.get(room);
    if (holders === undefined) this.#rooms.set(room, holders = new Set());
    holders.add(holder);
    return Promise.resolve();
  }

  leave(room: string, holder: string): Promise<void> {
    const holders = this.#rooms.get(room);
    holders?.delete(holder);
    if (holders?.size === 0) this.#rooms.delete(room);
    return Promise.resolve();
  }

  members(room: string, limit = Infinity): Promise<string[]> {
    const nicks: string[] = [];
    for (const holder of this.#rooms.get(room) ?? []) {
      if (nicks.length >= limit) break;
      // A member that lost its nick to a resumed session keeps its place until it leaves.
      nicks.push(this.#held.get(holder) ?? "");
    }
    return Promise.resolve(nicks.filter((nick) => nick !== "").sort());
  }

  count(room: string): Promise<number> {
    return Promise.resolve(this.#rooms.get(room)?.size ?? 0);
  }

  rooms(): Promise<RoomCount[]> {
    const rooms = new Map<string, number>([["lobby", 0]]);
    for (const [name, holders] of this.#rooms) rooms.set(name, holders.size);
    return Promise.resolve(
      [...rooms].map(([name, users]) => ({ name, users })).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0
      ),
    );
  }

  online(): Promise<number> {
    return Promise.resolve(this.#nicks.size);
  }

  setAway(holder: string, text: string | undefined): Promise<void> {
    if (text === undefined) this.#away.delete(holder);
    else if (this.#held.has(holder)) this.#away.set(holder, text);
    return Promise.resolve();
  }

  awayIn(room: string): Promise<string[]> {
    const nicks: string[] = [];
    for (const holder of this.#rooms.get(room) ?? []) {
      const nick = this.#held.get(holder);
      if (nick !== undefined && this.#away.has(holder)) nicks.push(nick);
    }
    return Promise.resolve(nicks.sort());
  }

  /** Records that `holder` holds `nick`, dropping the nick it held before. */
  #give(nick: string, holder: string): void {
    const before = this.#held.get(holder);
    if (before !== undefined && nickKey(before) !== nickKey(nick)) {
      this.#nicks.delete(nickKey(before));
    }
    this.#nicks.set(nickKey(nick), { holder, nick });
    this.#held.set(holder, nick);
  }
}
