import {
  type ChatClient,
  ChatError,
  downloadFile,
  formatAddress,
  type TlsTrust,
} from "../../client/mod.ts";
import type { ServerMessage } from "../../protocol/mod.ts";
import { connectForFiles } from "../login.ts";
import {
  type ExportedEvent,
  type ExportSource,
  selected,
  type Selection,
} from "./exported_event.ts";

/** Events asked for per page: the most a server gives. */
const PAGE = 500;
/** Above every event id: the first page of a place is its newest. */
const NEWEST = Number.MAX_SAFE_INTEGER;
/** Fields of a history reply that belong to the request, not to the event. */
const REQUEST_FIELDS = ["rid", "history"];

/** A page being received: its events, and what to do at its `history_end`. */
interface PendingPage {
  events: ExportedEvent[];
  done(end: Extract<ServerMessage, { type: "history_end" }>): void;
  fail(error: Error): void;
}

/**
 * Reads what one person may read on a server, through the protocol, logged in as they are: the
 * rooms they follow (read markers), those with people in them now and the one they log in to,
 * each paged back with `history`, and their private conversations (`history` with `with`).
 * Join and leave notices are not part of pages, so they are not exported this way.
 */
export class HostSource implements ExportSource {
  readonly #client: ChatClient;
  readonly #pages: Map<string, PendingPage>;
  readonly #places: { rooms: string[]; conversations: string[] };
  #room: string;

  private constructor(
    client: ChatClient,
    pages: Map<string, PendingPage>,
    places: { rooms: string[]; conversations: string[] },
  ) {
    this.#client = client;
    this.#pages = pages;
    this.#places = places;
    this.#room = client.room;
  }

  /** Logs in to `address` as `nick` (or this machine's user) and learns the places to export. */
  static async open(
    address: { hostname: string; port: number },
    options: { nick?: string; room?: string; tls?: TlsTrust },
  ): Promise<HostSource> {
    const pages = new Map<string, PendingPage>();
    const counts = Promise.withResolvers<Extract<ServerMessage, { type: "unread_counts" }>>();
    let joined = options.room ?? "lobby";
    const client = await connectForFiles(address, {
      ...options,
      presence: true,
      command: "export",
      onMessage(message) {
        if (message.type === "unread_counts" && message.rid === undefined) counts.resolve(message);
        if (message.type === "joined") joined = message.room;
        const rid = "rid" in message ? message.rid : undefined;
        const page = rid === undefined ? undefined : pages.get(rid);
        if (page === undefined) return;
        if (message.type === "history_end") {
          pages.delete(rid!);
          page.done(message);
        } else if (message.type === "error") {
          pages.delete(rid!);
          page.fail(new ChatError(message.code, message.message));
        } else if ("id" in message && "from" in message) {
          const event: Record<string, unknown> = { ...message };
          for (const field of REQUEST_FIELDS) delete event[field];
          page.events.push(event as ExportedEvent);
        }
      },
    });
    client.closed.then(() => counts.reject(new Error(`${formatAddress(address)} hung up.`)));
    const places = (await counts.promise).places;
    const list = await client.call({ type: "rooms", rid: client.rid() }, "room_list");
    const rooms = new Set([joined]);
    for (const place of places) if (place.room !== undefined) rooms.add(place.room);
    for (const room of list.rooms) rooms.add(room.name);
    const conversations = places.flatMap((place) => place.with === undefined ? [] : [place.with]);
    const source = new HostSource(client, pages, { rooms: [...rooms].sort(), conversations });
    source.#room = joined;
    return source;
  }

  async events(selection: Selection): Promise<ExportedEvent[]> {
    const byId = new Map<number, ExportedEvent>();
    const rooms = selection.room === undefined ? this.#places.rooms : [selection.room];
    for (const room of rooms) {
      await this.#enter(room);
      for (const event of await this.#page({}, selection)) byId.set(event.id, event);
    }
    if (selection.room === undefined) {
      for (const nick of this.#places.conversations) {
        for (const event of await this.#page({ with: nick }, selection)) byId.set(event.id, event);
      }
    }
    return [...byId.values()].filter((event) => selected(event, selection))
      .sort((a, b) => a.id - b.id);
  }

  async saveFile(event: ExportedEvent, path: string): Promise<void> {
    // A room's files are for those in it; one shared with a person, wherever they are.
    if (event.to === undefined) await this.#enter(event.room);
    await downloadFile(this.#client, event.id, { kind: "file", path }, { force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#client.quit().catch(() => this.#client.close());
  }

  async #enter(room: string): Promise<void> {
    if (room === this.#room) return;
    await this.#client.call({ type: "join", room, rid: this.#client.rid() }, "joined");
    this.#room = room;
  }

  /** Every event of the room this connection is in, or of the conversation `with`, newest page first. */
  async #page(place: { with?: string }, selection: Selection): Promise<ExportedEvent[]> {
    const events: ExportedEvent[] = [];
    let before = NEWEST;
    for (;;) {
      const rid = this.#client.rid();
      const end = Promise.withResolvers<Extract<ServerMessage, { type: "history_end" }>>();
      const page: PendingPage = { events: [], done: end.resolve, fail: end.reject };
      this.#pages.set(rid, page);
      this.#client.closed.then(() =>
        end.reject(new Error("The server hung up during the export."))
      );
      this.#client.request({ type: "history", rid, before, limit: PAGE, ...place });
      const last = await end.promise;
      events.unshift(...page.events);
      const oldest = page.events[0];
      if (!last.more || oldest === undefined) return events;
      if (selection.since !== undefined && Date.parse(String(oldest.ts)) < selection.since) {
        return events;
      }
      before = oldest.id;
    }
  }
}
