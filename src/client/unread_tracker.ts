import { mentions, nickKey, type ServerMessage } from "../protocol/mod.ts";

/** A room, or the private conversation with one person. */
export type Place = { room: string } | { with: string };

/** Where one place stands, as a client shows it. */
export interface PlaceState {
  place: Place;
  /** Messages, actions and files to read. */
  unread: number;
  /** Those of them that mention you. */
  mentions: number;
  /** The newest event known there (`0` when none). */
  lastId: number;
  /** The person's read marker there. */
  readId: number;
}

/** The `read` request that tells the server the person read a place. */
export type ReadRequest = { type: "read"; id: number } & Place;

/**
 * The key of a place: `#room` or `@nickkey`, as the server's read markers use.
 *
 * @example
 * ```ts
 * import { placeKey } from "./unread_tracker.ts";
 * placeKey({ with: "Ana" }); // "@ana"
 * ```
 */
export function placeKey(place: Place): string {
  return "room" in place ? `#${place.room}` : `@${nickKey(place.with)}`;
}

/** Whether two places are the same one. */
export function samePlace(a: Place | undefined, b: Place | undefined): boolean {
  return a !== undefined && b !== undefined && placeKey(a) === placeKey(b);
}

/**
 * What is unread where, kept from what the client receives: the server's `unread_counts` after
 * login, `activity` from followed rooms, live messages, private messages and files, and the
 * `read_marker`s of the person's other devices. Runtime-neutral, shared by the web page (sidebar,
 * title, favicon) and the terminal.
 *
 * The place on screen is told with {@linkcode UnreadTracker.view}: while it is `seen` (the page
 * visible and scrolled to the newest line), what arrives there is read at once, and
 * {@linkcode UnreadTracker.markRead} says what to tell the server.
 *
 * @example
 * ```ts
 * import { UnreadTracker } from "./unread_tracker.ts";
 * const tracker = new UnreadTracker();
 * tracker.observe({ type: "welcome", v: 1, server: "s", nick: "ana", max_message_bytes: 1,
 *   max_frame_bytes: 1, history: 50 });
 * tracker.observe({ type: "activity", room: "lab", id: 7, from: "ben", mention: true });
 * tracker.get({ room: "lab" })?.mentions; // 1
 * ```
 */
export class UnreadTracker {
  readonly #places = new Map<string, PlaceState>();
  /** Ids counted live in each place, so a marker of another device can take them off again. */
  readonly #counted = new Map<string, { id: number; mention: boolean }[]>();
  #self = "";
  #viewing: Place | undefined;
  #seen = false;
  #wantsCounts = false;
  #listeners = new Set<() => void>();

  /** Every place known, rooms first (by name), then conversations (newest first). */
  get places(): PlaceState[] {
    const all = [...this.#places.values()];
    const rooms = all.filter((state) => "room" in state.place)
      .sort((a, b) => placeKey(a.place) < placeKey(b.place) ? -1 : 1);
    const talks = all.filter((state) => "with" in state.place).sort((a, b) => b.lastId - a.lastId);
    return [...rooms, ...talks];
  }

  /**
   * Unread messages everywhere, and how many of them call for attention: mentions of you and
   * private messages to you.
   */
  get totals(): { unread: number; attention: number } {
    let unread = 0;
    let attention = 0;
    for (const state of this.#places.values()) {
      unread += state.unread;
      attention += "with" in state.place ? state.unread : state.mentions;
    }
    return { unread, attention };
  }

  /**
   * True when another device read part of a place whose count came from the server: only the
   * server can say what is left, so the client should send `unread`. Cleared by its answer.
   */
  get wantsCounts(): boolean {
    return this.#wantsCounts;
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Where `place` stands, if it is known. */
  get(place: Place): PlaceState | undefined {
    return this.#places.get(placeKey(place));
  }

  /** Makes a place known (a conversation the user opens), with nothing unread. */
  add(place: Place): PlaceState {
    return this.#entry(place);
  }

  /**
   * The place on screen, and whether its newest line is seen (the page visible, scrolled to
   * the bottom). Seeing a place reads it.
   */
  view(place: Place | undefined, seen: boolean): void {
    this.#viewing = place;
    this.#seen = seen && place !== undefined;
    if (this.#seen) this.#clear(this.#entry(place!));
    this.#changed();
  }

  /**
   * The `read` to send for `place` when the person has read it up to its newest event and the
   * server does not know yet; `undefined` when there is nothing new to tell.
   */
  markRead(place: Place): ReadRequest | undefined {
    const state = this.#places.get(placeKey(place));
    if (state === undefined) return undefined;
    this.#clear(state);
    if (state.lastId <= state.readId) {
      this.#changed();
      return undefined;
    }
    state.readId = state.lastId;
    this.#changed();
    return { type: "read", ...place, id: state.lastId };
  }

  /** Takes in one message from the server. */
  observe(message: ServerMessage): void {
    switch (message.type) {
      case "welcome":
        this.#self = message.nick;
        return;
      case "nick_ok":
        this.#self = message.nick;
        return;
      case "unread_counts":
        this.#wantsCounts = false;
        for (const counts of message.places) {
          const place: Place = counts.with !== undefined
            ? { with: counts.with }
            : { room: counts.room ?? "" };
          const state = this.#entry(place);
          state.unread = counts.unread;
          state.mentions = counts.mentions;
          state.lastId = Math.max(state.lastId, counts.last_id);
          state.readId = counts.read_id;
          this.#counted.delete(placeKey(place));
          if (this.#isSeen(place)) this.#clear(state);
        }
        break;
      case "read_marker": {
        const place: Place = message.with !== undefined
          ? { with: message.with }
          : { room: message.room ?? "" };
        const state = this.#entry(place);
        state.readId = Math.max(state.readId, message.id);
        if (state.readId >= state.lastId) this.#clear(state);
        else {
          this.#uncount(state, message.id);
          // What the server counted before this client came is not known id by id.
          if (state.unread > (this.#counted.get(placeKey(place))?.length ?? 0)) {
            this.#wantsCounts = true;
          }
        }
        break;
      }
      case "activity":
        this.#count({ room: message.room }, message.id, message.mention === true);
        break;
      case "message":
      case "action":
      case "file":
      case "private": {
        if (message.history) return;
        if (nickKey(message.from) === nickKey(this.#self)) return;
        const to = "to" in message ? message.to : undefined;
        if (to !== undefined) {
          this.#count({ with: message.from }, message.id, false);
        } else {
          const mention = message.type !== "file" && mentions(message.text, this.#self);
          this.#count({ room: message.room }, message.id, mention);
        }
        break;
      }
      case "ack": {
        // One's own line is read; it moves the place's newest event along.
        const event = message.event;
        const place: Place = event.to !== undefined ? { with: event.to } : { room: event.room };
        const state = this.#entry(place);
        state.lastId = Math.max(state.lastId, event.id);
        break;
      }
      case "history_end":
        if (message.last_id !== undefined && message.room !== "") {
          const state = this.#entry({ room: message.room });
          state.lastId = Math.max(state.lastId, message.last_id);
        }
        return;
      default:
        return;
    }
    this.#changed();
  }

  #count(place: Place, id: number, mention: boolean): void {
    const state = this.#entry(place);
    state.lastId = Math.max(state.lastId, id);
    if (id <= state.readId || this.#isSeen(place)) return;
    state.unread++;
    if (mention) state.mentions++;
    const key = placeKey(place);
    const counted = this.#counted.get(key) ?? [];
    counted.push({ id, mention });
    this.#counted.set(key, counted);
  }

  /** Takes off what was counted live up to `id`: read on another device. */
  #uncount(state: PlaceState, id: number): void {
    const key = placeKey(state.place);
    const counted = this.#counted.get(key) ?? [];
    const read = counted.filter((entry) => entry.id <= id);
    this.#counted.set(key, counted.filter((entry) => entry.id > id));
    state.unread = Math.max(0, state.unread - read.length);
    state.mentions = Math.max(0, state.mentions - read.filter((entry) => entry.mention).length);
  }

  #clear(state: PlaceState): void {
    state.unread = 0;
    state.mentions = 0;
    this.#counted.delete(placeKey(state.place));
  }

  #isSeen(place: Place): boolean {
    return this.#seen && samePlace(place, this.#viewing);
  }

  #entry(place: Place): PlaceState {
    const key = placeKey(place);
    let state = this.#places.get(key);
    if (state === undefined) {
      state = { place, unread: 0, mentions: 0, lastId: 0, readId: 0 };
      this.#places.set(key, state);
    }
    return state;
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
