import {
  MAX_HISTORY_PAGE,
  nickKey,
  OutboundMessage,
  ProtocolError,
  type ServerMessage,
} from "../protocol/mod.ts";
import { type Hub, toWireEvent } from "./hub.ts";
import type { Peer } from "./peer.ts";
import type { StoredEvent } from "./history_store.ts";

/** Most missed events a reconnecting client is sent; past that it gets the usual history. */
export const CATCH_UP_LIMIT = 5000;

/**
 * What one session has been sent of its room, so that history, a catch-up and live events
 * together deliver every event once and in order: live events are held back while a replay
 * runs, and those the replay already covered are dropped.
 */
export class RoomFeed {
  readonly #hub: Hub;
  readonly #peer: Peer;
  /** Live events held back while history is replayed. */
  #held: { message: OutboundMessage; id: number }[] | null = null;
  /** Highest event id sent as part of the room's replay. */
  #replayedUpTo = 0;
  /** Highest id up to which private messages were sent by a catch-up. */
  #privatesUpTo = 0;
  /** Oldest event id sent as history, where a further `history` request continues from. */
  #pagedBefore: number | undefined;

  constructor(hub: Hub, peer: Peer) {
    this.#hub = hub;
    this.#peer = peer;
  }

  /** Delivers a live event, holding it back during a replay and never sending one twice. */
  deliver(message: OutboundMessage, id: number): void {
    if (this.#held !== null) this.#held.push({ message, id });
    // Private messages and files are replayed only by a catch-up, up to #privatesUpTo.
    else if (
      id > this.#replayedUpTo || ("to" in message.message && id > this.#privatesUpTo)
    ) {
      this.#peer.post(message);
    }
  }

  /** Starts holding live events back: a replay is about to run. */
  hold(): void {
    this.#held = [];
  }

  /** Sends the held events the replay did not cover, and delivers live ones again. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const { message, id } of held) this.deliver(message, id);
  }

  /** Forgets the room: the session left it. */
  reset(): void {
    this.#replayedUpTo = 0;
    this.#pagedBefore = undefined;
  }

  /**
   * Sends a page of `room`'s history (`history: true`) and `history_end`: the newest page, or
   * the one before `before`, or, without it, the one before the oldest event sent so far. Join
   * and leave notices are not part of pages. Resolves with the newest id sent (`0` for none).
   */
  async replay(
    room: string,
    options: { limit?: number; before?: number; rid?: string; gap?: boolean } = {},
  ): Promise<number> {
    const before = options.before ?? this.#pagedBefore;
    const limit = pageLimit(options.limit ?? this.#hub.options.historyLimit);
    // The newest page covers the room up to its newest event, notices the page leaves out
    // included: the client's catch-up cursor. Read first, so that nothing the page holds is
    // newer than a live event dropped as covered (only a notice can fall between the reads).
    const newest = before === undefined
      ? (await this.#hub.history.page(room, { limit: 1 }))[0]?.id ?? 0
      : undefined;
    const page = await this.#hub.history.page(room, {
      before,
      limit: limit + 1,
      skipPresence: true,
    });
    const more = page.length > limit;
    const events = more ? page.slice(1) : page;
    for (const event of events) {
      const wire = toWireEvent(event, true);
      if (options.rid !== undefined) wire.rid = options.rid;
      this.#peer.send(new OutboundMessage(wire));
    }
    if (newest !== undefined) {
      this.#replayedUpTo = Math.max(this.#replayedUpTo, newest, events.at(-1)?.id ?? 0);
    }
    if (events.length > 0) {
      this.#pagedBefore = Math.min(this.#pagedBefore ?? Infinity, events[0].id);
    }
    this.#send({
      type: "history_end",
      room,
      count: events.length,
      before: events[0]?.id ?? null,
      more,
      rid: options.rid,
      ...(options.gap ? { gap: true as const } : {}),
      ...(newest === undefined ? {} : { last_id: newest }),
    });
    return events.at(-1)?.id ?? 0;
  }

  /**
   * Sends a page of `nick`'s private conversation with `other`, from `after` on (when `nick`
   * came to own it): the newest page, or the one before `before`; then `history_end` with `with`.
   */
  async replayConversation(
    nick: string,
    other: string,
    options: { after: number; limit?: number; before?: number; rid?: string },
  ): Promise<void> {
    const limit = pageLimit(options.limit ?? this.#hub.options.historyLimit);
    const page = await this.#hub.history.conversation(nick, other, {
      after: options.after,
      before: options.before,
      limit: limit + 1,
    });
    const more = page.length > limit;
    const events = more ? page.slice(1) : page;
    for (const event of events) {
      const wire = toWireEvent(event, true);
      if (options.rid !== undefined) wire.rid = options.rid;
      this.#peer.send(new OutboundMessage(wire));
    }
    this.#send({
      type: "history_end",
      room: "",
      with: other,
      count: events.length,
      before: events[0]?.id ?? null,
      more,
      rid: options.rid,
    });
  }

  /**
   * Sends the events of `room` after `since` as live ones, with the private messages of
   * `privates.nick` after both `since` and `privates.after` when given (a resumed login's own),
   * then `history_end`. The user's own join and leave notices are left out, as a live connection
   * never receives them. False when more than {@linkcode CATCH_UP_LIMIT} events were missed: then
   * nothing was sent, and the usual history should follow, flagged as a gap.
   */
  async catchUp(
    room: string,
    since: number,
    options: { self: string; privates?: { nick: string; after: number } },
  ): Promise<boolean> {
    const history = this.#hub.history;
    const missed = await history.page(room, { after: since, limit: CATCH_UP_LIMIT + 1 });
    if (missed.length > CATCH_UP_LIMIT) return false;
    const privates = options.privates === undefined ? [] : await history.privates(
      options.privates.nick,
      { after: Math.max(since, options.privates.after), limit: CATCH_UP_LIMIT },
    );
    const self = nickKey(options.self);
    const events = [...missed, ...privates].sort((a, b) => a.id - b.id);
    for (const event of events) {
      if (isOwnPresence(event, self)) continue;
      this.#peer.send(new OutboundMessage(toWireEvent(event)));
    }
    const last = events.at(-1)?.id ?? since;
    this.#replayedUpTo = Math.max(this.#replayedUpTo, last, since);
    if (options.privates !== undefined) {
      this.#privatesUpTo = Math.max(this.#privatesUpTo, last, since);
    }
    const count = events.filter((event) => !isOwnPresence(event, self)).length;
    this.#send({ type: "history_end", room, count, before: null, more: false });
    return true;
  }

  #send(message: ServerMessage): void {
    this.#peer.send(new OutboundMessage(message));
  }
}

/** Checks a page size a client asked for. */
function pageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
    throw new ProtocolError(
      "bad_request",
      `History page size ${limit} is outside 1 to ${MAX_HISTORY_PAGE}.`,
    );
  }
  return limit;
}

/** Whether `event` is the join or leave notice of the user whose nick key is `self`. */
function isOwnPresence(event: StoredEvent, self: string): boolean {
  return event.type === "notice" && (event.event === "join" || event.event === "leave") &&
    nickKey(event.from) === self;
}
