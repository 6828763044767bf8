/**
 * Replies, reactions, edits, deletes and search (PROTOCOL.md section 3.6): what a connection may
 * do to messages already said, decided on the server from the connection's nick, room and role,
 * never from anything the client claims.
 *
 * Every change is an event of the log naming its message (`ref`), published like a message: to
 * the message's room, or to the other person of a private message. So history, catch-up,
 * exports and the cluster's nodes all carry it, and each store applies it to the message as it
 * keeps it (the old text is overwritten, not hidden).
 *
 * The visibility rule is the one search uses: a room message is visible to someone in that room
 * or following it (they joined it); a private message to its two people.
 *
 * @module
 */
import {
  type ClientMessage,
  MAX_REACTIONS,
  ProtocolError,
  type Quote,
  quoteOf,
  type ServerMessage,
} from "../protocol/mod.ts";
import { nickKey, normalizeRoom } from "../protocol/names.ts";
import {
  type AppendResult,
  MESSAGE_TYPES,
  type NewEvent,
  type StoredEvent,
} from "./history_store.ts";
import type { Hub, Member } from "./hub.ts";

/**
 * A reaction: emoji only (pictographs, flags, keycaps, with their joiners, variation selectors
 * and skin tones), so nobody makes others store or show text as a "reaction".
 */
const EMOJI = /^(?:\p{Extended_Pictographic}|\p{Emoji_Component})+$/u;
/** What makes a run of emoji components an emoji rather than digits or `#`. */
const PICTURE = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** The default page of search results. */
export const SEARCH_PAGE = 20;

/** Who asks to change or search messages: a logged-in connection. */
export interface ChangeAuthor extends Member {
  readonly operator: boolean;
  readonly owner: string;
  /**
   * The id from which the private messages and the messages of its nick are this person's: a
   * nick released and claimed again does not bring its earlier owner's messages (section 2.4).
   */
  readonly claimSince: number;
  /** The rooms this person may see: the one they are in and the ones they follow. */
  visibleRooms(): string[];
  /** Whether this connection joined `room` (past its passkey). */
  entered(room: string): boolean;
}

type Request<T extends ClientMessage["type"]> = Extract<ClientMessage, { type: T }>;
type SearchResults = Extract<ServerMessage, { type: "search_results" }>;

/**
 * The changes to messages of one hub.
 *
 * @example
 * ```ts ignore
 * const changes = new MessageChanges(hub, (text) => checkText(text));
 * const { event } = await changes.edit(session, { type: "edit", rid: "1", id: 12, text: "hi" });
 * ```
 */
export class MessageChanges {
  readonly #hub: Hub;
  readonly #checkText: (text: string) => void;

  constructor(hub: Hub, checkText: (text: string) => void) {
    this.#hub = hub;
    this.#checkText = checkText;
  }

  /**
   * The quote of message `id`, which a post in `place` answers: a message of the same room, or
   * of the private conversation with `place.with`. Throws `no_such_message` otherwise.
   */
  async replyQuote(
    author: ChangeAuthor,
    id: number,
    place: { room: string } | { with: string },
  ): Promise<Quote> {
    const original = await this.#visible(author, id);
    const same = "room" in place
      ? original.to === undefined && original.room === place.room
      : original.to !== undefined &&
        [original.from, original.to].some((nick) => nickKey(nick) === nickKey(place.with));
    if (!same) {
      throw new ProtocolError(
        "no_such_message",
        `Message ${id} is not in ${"room" in place ? place.room : "this conversation"}; ` +
          "a reply answers a message of the same place.",
      );
    }
    return quoteOf(original);
  }

  /** Adds or takes back a reaction. */
  async react(
    author: ChangeAuthor,
    request: Request<"react">,
    clientId: string,
  ): Promise<AppendResult> {
    const emoji = request.emoji.trim();
    if (!EMOJI.test(emoji) || !PICTURE.test(emoji)) {
      throw new ProtocolError(
        "bad_request",
        `A reaction is an emoji, not ${JSON.stringify(emoji.slice(0, 12))}.`,
      );
    }
    const message = await this.#visible(author, request.id);
    await this.#hub.moderation.checkChange(
      author,
      message.to === undefined ? message.room : undefined,
    );
    const given = message.reactions ?? [];
    if (
      request.remove !== true && given.length >= MAX_REACTIONS &&
      !given.some((reaction) => reaction.emoji === emoji)
    ) {
      throw new ProtocolError(
        "bad_request",
        `Message ${message.id} already has ${MAX_REACTIONS} different reactions.`,
      );
    }
    return await this.#publish(author, message, {
      type: "reaction",
      text: "",
      emoji,
      clientId,
      ...(request.remove === true ? { remove: true as const } : {}),
    });
  }

  /** Replaces the text of the author's own message. */
  async edit(
    author: ChangeAuthor,
    request: Request<"edit">,
    clientId: string,
  ): Promise<AppendResult> {
    this.#checkText(request.text);
    const message = await this.#visible(author, request.id);
    if (message.type === "file" || !isOwn(author, message)) {
      throw new ProtocolError(
        "not_permitted",
        message.type === "file"
          ? "A shared file's text cannot be edited."
          : `Message ${message.id} is ${message.from}'s; you can edit only your own messages.`,
      );
    }
    await this.#hub.moderation.checkChange(
      author,
      message.to === undefined ? message.room : undefined,
    );
    return await this.#publish(author, message, {
      type: "edit",
      text: request.text,
      clientId,
      original: {
        type: message.type as "message" | "action" | "private",
        ts: message.ts,
        ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
      },
    });
  }

  /** Deletes the author's own message, or, for an operator, any room message. */
  async delete(
    author: ChangeAuthor,
    request: Request<"delete">,
    clientId: string,
  ): Promise<AppendResult> {
    const message = await this.#visible(author, request.id);
    const own = isOwn(author, message);
    if (message.type === "file" || !(own || (author.operator && message.to === undefined))) {
      throw new ProtocolError(
        "not_permitted",
        message.type === "file"
          ? "Shared files cannot be deleted yet."
          : `Message ${message.id} is ${message.from}'s; you can delete only your own messages.`,
      );
    }
    return await this.#publish(author, message, { type: "delete", text: "", clientId });
  }

  /**
   * The rooms `author` may read now: of those they follow, not a closed one (but for an
   * operator), and one with a passkey only if this connection joined it with the passkey.
   */
  async #readableRooms(author: ChangeAuthor): Promise<string[]> {
    const readable: string[] = [];
    for (const room of author.visibleRooms()) {
      if (await this.#readable(author, room)) readable.push(room);
    }
    return readable;
  }

  /** Whether `room`, one that `author` follows, is closed or locked to them now. */
  async #readable(author: ChangeAuthor, room: string): Promise<boolean> {
    if (author.operator) return true;
    const settings = await this.#hub.moderation.store.roomSettings(room);
    return !settings.closed && (settings.passkeyHash === "" || author.entered(room));
  }

  /** Searches what the author may see. */
  async search(author: ChangeAuthor, request: Request<"search">): Promise<SearchResults> {
    const rooms = await this.#readableRooms(author);
    const room = request.room === undefined ? undefined : normalizeRoom(request.room).room;
    if (room !== undefined && !rooms.includes(room)) {
      throw new ProtocolError(
        "not_permitted",
        `You have not joined ${request.room}; search looks only where you have been.`,
      );
    }
    const limit = request.limit ?? SEARCH_PAGE;
    let found: StoredEvent[];
    try {
      found = await this.#hub.history.search({
        text: request.text,
        rooms,
        nick: author.nick,
        room,
        with: request.with,
        from: request.from,
        before: request.before,
        limit: limit + 1,
        privatesAfter: author.claimSince,
      });
    } catch (error) {
      if (error instanceof RangeError) throw new ProtocolError("bad_request", error.message);
      throw error;
    }
    return {
      type: "search_results",
      events: found.slice(0, limit).map((event) => ({
        type: event.type as "message" | "action" | "private" | "file",
        id: event.id,
        ts: new Date(event.ts).toISOString(),
        room: event.room,
        from: event.from,
        text: event.type === "file" && event.file !== undefined ? event.file.name : event.text,
        ...(event.to !== undefined ? { to: event.to } : {}),
        ...(event.edited ? { edited: true as const } : {}),
      })),
      more: found.length > limit,
      rid: request.rid,
    };
  }

  /** Message `id` if the author may see it; `no_such_message` otherwise. */
  async #visible(author: ChangeAuthor, id: number): Promise<StoredEvent> {
    const message = await this.#hub.history.event(id);
    const visible = message !== undefined && MESSAGE_TYPES.includes(message.type) &&
      !message.deleted &&
      (message.to === undefined
        ? author.visibleRooms().includes(message.room) && await this.#readable(author, message.room)
        : message.id > author.claimSince &&
          [message.from, message.to].some((nick) => nickKey(nick) === nickKey(author.nick)));
    if (!visible) {
      throw new ProtocolError("no_such_message", `There is no message ${id} that you can see.`);
    }
    return message!;
  }

  /** Publishes a change of `message`, to where the message went. */
  async #publish(
    author: ChangeAuthor,
    message: StoredEvent,
    change: {
      type: "edit" | "delete" | "reaction";
      text: string;
      clientId: string;
      emoji?: string;
      remove?: true;
      original?: NewEvent["original"];
    },
  ): Promise<AppendResult> {
    const to = message.to === undefined
      ? undefined
      : nickKey(message.from) === nickKey(author.nick)
      ? message.to
      : message.from;
    return await this.#hub.publish({
      ...change,
      room: message.room,
      from: author.nick,
      ref: message.id,
      ...(to !== undefined ? { to } : {}),
    }, author);
  }
}

/** Whether `message` is the author's own: said under their nick since they hold it. */
function isOwn(author: ChangeAuthor, message: StoredEvent): boolean {
  return nickKey(message.from) === nickKey(author.nick) && message.id > author.claimSince;
}
