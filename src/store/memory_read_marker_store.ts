import type { ReadMarkerStore } from "../chat/read_marker_store.ts";
import { settle } from "./_settle.ts";
import { assertMarkerId } from "./_read_markers.ts";

/**
 * A {@linkcode ReadMarkerStore} in memory, for tests; nothing survives the process.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { MemoryReadMarkerStore } from "./memory_read_marker_store.ts";
 *
 * const store = new MemoryReadMarkerStore();
 * await store.mark("owner-1", "#lobby", 7);
 * assertEquals(await store.mark("owner-1", "#lobby", 3), 7);
 * ```
 */
export class MemoryReadMarkerStore implements ReadMarkerStore {
  readonly #markers = new Map<string, Map<string, number>>();
  #closed = false;

  /** Moves the marker up to `id`; resolves with the marker as it is now. */
  mark(owner: string, place: string, id: number): Promise<number> {
    return this.#run(() => {
      assertMarkerId(id);
      let markers = this.#markers.get(owner);
      if (markers === undefined) this.#markers.set(owner, markers = new Map());
      const now = Math.max(markers.get(place) ?? 0, id);
      markers.set(place, now);
      return now;
    });
  }

  /** Every marker of `owner`, as a new map. */
  markers(owner: string): Promise<Map<string, number>> {
    return this.#run(() => new Map(this.#markers.get(owner)));
  }

  /** Deletes every marker. */
  wipe(): Promise<void> {
    return this.#run(() => this.#markers.clear());
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #run<T>(work: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("The read marker store is closed"));
    return settle(work);
  }
}
