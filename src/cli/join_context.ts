import {
  ChatError,
  type DisplayEvent,
  HistoryCursor,
  markMention,
  MessageBook,
  reactionList,
  type ReconnectingClient,
  RoomMembers,
  toDisplayEvent,
  TypingWatch,
  UnreadTracker,
} from "../client/mod.ts";
import type { ServerMessage } from "../protocol/mod.ts";

/** Where events go until the chosen front end is ready, and after. */
export class EventSink {
  #show: ((event: DisplayEvent) => void) | undefined;
  #early: DisplayEvent[] = [];
  readonly cursor = new HistoryCursor();
  /** Who is in the room, and this client's nick, as the messages so far tell. */
  readonly members = new RoomMembers();
  /** What is unread where: the terminal tells the server what it has shown. */
  readonly unread = new UnreadTracker();
  /** Who is typing where, and when to say that this user is. */
  readonly typing = new TypingWatch(Date.now);
  /** The messages shown, as they read now: `/edit` and `/delete` default to the last own one. */
  readonly book = new MessageBook();
  #typingChanged: (() => void) | undefined;

  /** Receives a server message from the client. */
  receive(message: ServerMessage): void {
    this.cursor.observe(message);
    this.members.observe(message);
    this.unread.observe(message);
    if (this.typing.observe(message)) this.#typingChanged?.();
    const change = this.book.apply(message);
    let event = toDisplayEvent(message);
    if (event === undefined) return;
    // A reaction shows the message's whole summary after it, when this client has the message.
    if (event.type === "reaction" && change?.kind === "reacted") {
      event = { ...event, reactions: reactionList(change.entry) };
    }
    // Marked with the nick of the moment it arrived: a later /nick does not change the past.
    this.#deliver(markMention(event, this.members.self));
  }

  /** Shows a line of this client's own, such as the result of a download. */
  local(event: DisplayEvent): void {
    this.#deliver(event);
  }

  #deliver(event: DisplayEvent): void {
    if (this.#show === undefined) this.#early.push(event);
    else this.#show(event);
  }

  /** Calls `changed` whenever who is typing may have changed (the terminal's prompt shows it). */
  watchTyping(changed: () => void): void {
    this.#typingChanged = changed;
  }

  /** Starts showing events, first the ones that arrived before. */
  attach(show: (event: DisplayEvent) => void): void {
    this.#show = show;
    for (const event of this.#early) show(event);
    this.#early = [];
  }
}

/** The state both front ends share. */
export interface JoinContext {
  client: ReconnectingClient;
  sink: EventSink;
  json: boolean;
  /** Transfers under way; line mode waits for them before it leaves. */
  background: Set<Promise<unknown>>;
  /** Ring the terminal bell for what calls for attention (`callsForAttention()`). */
  bell: boolean;
}

/**
 * Runs a transfer in the background: its outcome is shown as a line, and it stays in
 * `background` until it ends. Resolves to whether it succeeded.
 */
export function track(
  background: Set<Promise<unknown>>,
  transfer: Promise<string | undefined>,
  sink: EventSink,
): Promise<boolean> {
  const done = transfer.then(
    (text) => {
      if (text !== undefined) sink.local({ type: "system", event: "saved", text });
      return true;
    },
    (error) => {
      sink.local({
        type: "error",
        code: error instanceof ChatError ? error.code : "local_file",
        text: error instanceof Error ? error.message : String(error),
      });
      return false;
    },
  ).finally(() => background.delete(done));
  background.add(done);
  return done;
}
