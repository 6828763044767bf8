/**
 * The message list: events in order, each shown once, with a line where each day begins, runs
 * of join and leave notices folded into one line, and a "New messages" line where the reader
 * left off when they come back to a room (read_marks.ts).
 *
 * Earlier history loads by itself when the reader scrolls near the top (or presses the button
 * there, or types `/history`), one page at a time, and goes above what is shown without moving
 * what the reader is looking at: the distance from the bottom is kept, which holds whether or
 * not the browser anchors scrolling itself. The view follows new lines while the reader is at the
 * newest; scrolled up, it stays, and a "Jump to latest" button counts what arrived below.
 *
 * @module
 */
import type { DisplayEvent } from "../../src/client/display_event.ts";
import { renderEvent } from "./event_row.ts";
import { HistoryTop } from "./history_top.ts";
import type { ReadMarks } from "./read_marks.ts";
import { daySeparator, insertPage, placeRow, relabelDays, separator } from "./row_layout.ts";

/** Lines kept while the reader follows the newest; older ones are dropped from the top. */
const MAX_LINES = 3000;
/** Within this many pixels of the bottom, new lines keep the list scrolled down. */
const STICK_PX = 80;
/** Events asked for per page of earlier history. */
const PAGE = 100;
/** Space kept above the "New messages" line when the list opens there. */
const LINE_MARGIN_PX = 48;

/** Where history events go until their `history_end`. */
type Pending =
  /** After `joined`: below what is shown; `fresh` when the room was just entered. */
  | { mode: "join"; fresh: boolean; rows: number }
  /** A page of earlier history, collected, then put above what is shown. */
  | { mode: "page"; fragment: DocumentFragment; quiet: boolean; line?: HTMLElement };

/** What became of a request for earlier messages. */
export type LoadOutcome = "requested" | "busy" | "offline";

/** What a list needs to know of its surroundings. */
export interface MessageListOptions {
  /** This user's nick, now. */
  self: () => string;
  /** Adds a shared file's controls (download link, preview) to its line. */
  decorateFile: (div: HTMLDivElement, event: DisplayEvent) => void;
  /** Sends a `history` request; false while disconnected. */
  requestHistory: (request: { before?: number; limit: number }) => boolean;
  /** Where the reader left off in each room. */
  readMarks: ReadMarks;
  /** The "Jump to latest" button, shown while new lines wait below. */
  jump: HTMLButtonElement;
}

/**
 * The `#messages` log.
 *
 * @example
 * ```ts ignore
 * const list = new MessageList(page.messages, options);
 * list.enterRoom("lobby");
 * list.note("Connected.");
 * ```
 */
export class MessageList {
  readonly #element: HTMLElement;
  readonly #options: MessageListOptions;
  /** Ids of the events shown: a catch-up or a history page may bring one again. */
  readonly #shown = new Set<number>();
  #pending: Pending | undefined;
  #room: string | undefined;
  #top: HistoryTop | undefined;
  /** The reader's read mark when they entered the room: later events are new to them. */
  #seenBefore: number | undefined;
  #line: HTMLElement | undefined;
  /** The newest event id shown, and the newest one marked as read. */
  #newest = 0;
  #marked = 0;
  /** Events that arrived below while the reader was scrolled up. */
  #below = 0;

  constructor(element: HTMLElement, options: MessageListOptions) {
    this.#element = element;
    this.#options = options;
    element.addEventListener("scroll", () => this.#scrolled(), { passive: true });
    options.jump.addEventListener("click", () => {
      this.scrollDown(true);
      // The button hides; the focus goes to the list it took the reader to, not to the page.
      element.focus({ preventScroll: true });
    });
    document.addEventListener("visibilitychange", () => this.#markSeen());
  }

  /** Empties the list (another room, another login). */
  clear(): void {
    this.#element.replaceChildren();
    this.#shown.clear();
    this.#pending = undefined;
    this.#room = undefined;
    this.#top = undefined;
    this.#line = undefined;
    this.#newest = 0;
    this.#setBelow(0);
  }

  /** The user entered `room`: its history follows, below a line to load earlier pages. */
  enterRoom(room: string): void {
    this.#room = room;
    this.#seenBefore = this.#options.readMarks.lastSeen(room);
    this.#marked = this.#seenBefore ?? 0;
    this.#top = new HistoryTop(() => this.loadEarlier({ quiet: true }));
    this.#append(this.#top.element);
    this.#pending = { mode: "join", fresh: true, rows: 0 };
  }

  /** The connection came back to the same room: what was missed follows (PROTOCOL §2.2). */
  expectCatchUp(): void {
    // A page asked for on the lost connection never comes: it can be asked for again.
    if (this.#pending?.mode === "page" && this.#top !== undefined) this.#top.state = "more";
    this.#pending = { mode: "join", fresh: false, rows: 0 };
  }

  /**
   * Asks for the page of history before the oldest event shown (`limit` events, a page unless
   * told); `quiet` unless typed, when its end is told in a line.
   */
  loadEarlier(options: { limit?: number; quiet?: boolean } = {}): LoadOutcome {
    if (this.#pending !== undefined) return "busy";
    const before = this.#oldestRoomEvent();
    if (!this.#options.requestHistory({ before, limit: options.limit ?? PAGE })) return "offline";
    const fragment = document.createDocumentFragment();
    this.#pending = { mode: "page", fragment, quiet: options.quiet ?? false };
    if (this.#top !== undefined) this.#top.state = "loading";
    return "requested";
  }

  /** Shows a room event or private message, unless it is shown already. */
  showEvent(event: DisplayEvent): void {
    const pending = this.#pending;
    // History nothing here asked for: a page asked for just before a /join, of the new room.
    if (event.history && pending === undefined) return;
    if (event.history && this.#room !== undefined && event.room !== this.#room) return;
    if (event.id !== undefined) {
      if (this.#shown.has(event.id)) return;
      this.#shown.add(event.id);
      this.#newest = Math.max(this.#newest, event.id);
    }
    const row = this.#render(event);
    if (event.history && pending?.mode === "page") {
      const line = pending.line === undefined ? this.#newLineFor(event) : undefined;
      pending.line ??= line;
      placeRow(pending.fragment, row, { now: new Date(), line });
      return;
    }
    if (event.history && pending?.mode === "join") pending.rows++;
    const stick = this.isNearBottom();
    const line = pending?.mode === "join" && pending.fresh && this.#line === undefined
      ? this.#newLineFor(event)
      : undefined;
    this.#line ??= line;
    const dayLine = placeRow(this.#element, row, { now: new Date(), line });
    if (dayLine !== undefined) relabelDays(this.#element, new Date());
    this.#trim(stick);
    const live = event.id !== undefined && !event.history;
    if (stick || (live && event.from === this.#options.self() && event.type !== "notice")) {
      this.scrollDown(true);
    } else if (live) {
      this.#setBelow(this.#below + 1);
    }
    this.#markSeen();
  }

  /** Ends the history that was coming, as its `history_end` (shown as `display`) says. */
  endHistory(end: { count: number; more: boolean; gap?: true }, display: DisplayEvent): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (end.gap) this.note(display.text);
    if (pending?.mode === "page") {
      this.#insertPage(pending, end.more);
      if (!pending.quiet) this.note(display.text);
    } else if (pending?.mode === "join" && pending.fresh) {
      if (pending.rows > 0) this.#append(separator("— end of history —", "end"));
      if (this.#top !== undefined) this.#top.state = end.more ? "more" : "done";
      this.#land();
    }
    this.#markSeen();
    this.#fill();
  }

  /** A line of this client's own: a notice about the connection, a command's answer. */
  note(text: string): void {
    this.#append(renderEvent({ type: "system", text }, this.#options.self()));
  }

  /** A line that says something went wrong. */
  complain(text: string): void {
    this.#append(renderEvent({ type: "error", text }, this.#options.self()));
  }

  /** Whether the reader is at (or near) the newest line. */
  isNearBottom(): boolean {
    const list = this.#element;
    return list.scrollHeight - list.scrollTop - list.clientHeight < STICK_PX;
  }

  /**
   * `element` (a picture that loaded) grew by `height` pixels: the newest line stays in view if
   * it was, and what the reader looks at stays put when the growth is above it.
   */
  grew(element: HTMLElement, height: number): void {
    const list = this.#element;
    if (list.scrollHeight - list.scrollTop - list.clientHeight - height < STICK_PX) {
      this.scrollDown(true);
    } else if (element.getBoundingClientRect().top < list.getBoundingClientRect().top) {
      // It grew downwards from above the visible part: everything in view moved down with it.
      list.scrollTop += height;
    }
  }

  /** Scrolls to the newest line when `stick`. */
  scrollDown(stick: boolean): void {
    if (!stick) return;
    this.#element.scrollTop = this.#element.scrollHeight;
    this.#setBelow(0);
    this.#markSeen();
  }

  #render(event: DisplayEvent): HTMLDivElement {
    const div = renderEvent(event, this.#options.self());
    if (event.type === "file") this.#options.decorateFile(div, event);
    return div;
  }

  #append(element: HTMLElement): void {
    const stick = this.isNearBottom();
    this.#element.append(element);
    this.#trim(stick);
    this.scrollDown(stick);
  }

  /** The "New messages" line, if `event` is the first the reader has not seen. */
  #newLineFor(event: DisplayEvent): HTMLElement | undefined {
    const seen = this.#seenBefore;
    if (seen === undefined || event.id === undefined || event.id <= seen) return undefined;
    if (event.from === this.#options.self() || event.type === "private") return undefined;
    return separator("New messages", "new");
  }

  /**
   * Puts a page of earlier history above what is shown, and says whether there is `more`, all
   * without moving the reader's place.
   */
  #insertPage(pending: Extract<Pending, { mode: "page" }>, more: boolean): void {
    const list = this.#element;
    const fromBottom = list.scrollHeight - list.scrollTop;
    // The line at the top changes height too ("No earlier messages." is no button).
    if (this.#top !== undefined) this.#top.state = more ? "more" : "done";
    const top = this.#top?.element;
    if (top === undefined || top.parentNode !== list) list.prepend(pending.fragment);
    else insertPage(top, pending.fragment);
    if (pending.line !== undefined) {
      // Older than every event shown, so the reader left off here, not where the line was.
      this.#line?.remove();
      this.#line = pending.line;
    }
    list.scrollTop = list.scrollHeight - fromBottom;
  }

  /** After entering a room: opens at the "New messages" line if there is one, else the end. */
  #land(): void {
    const list = this.#element;
    const line = this.#line;
    if (line === undefined) return this.scrollDown(true);
    const top = line.getBoundingClientRect().top - list.getBoundingClientRect().top;
    list.scrollTop += top - LINE_MARGIN_PX;
    if (this.isNearBottom()) return this.scrollDown(true);
    const rows = list.querySelectorAll(".event[data-id]");
    let after = 0;
    for (const row of rows) {
      if (line.compareDocumentPosition(row) & Node.DOCUMENT_POSITION_FOLLOWING) after++;
    }
    this.#setBelow(after);
  }

  /** Loads earlier pages while the list does not fill its box, so it can be scrolled. */
  #fill(): void {
    const list = this.#element;
    if (this.#top?.state === "more" && list.scrollHeight <= list.clientHeight) {
      this.loadEarlier({ quiet: true });
    }
  }

  #scrolled(): void {
    const list = this.#element;
    if (this.#top?.state === "more" && list.scrollTop < list.clientHeight) {
      this.loadEarlier({ quiet: true });
    }
    if (this.isNearBottom()) {
      this.#setBelow(0);
      this.#markSeen();
    }
  }

  /** Notes the newest event as read, when the reader is at the end and the page is in view. */
  #markSeen(): void {
    const room = this.#room;
    if (room === undefined || this.#newest <= this.#marked) return;
    if (this.#pending?.mode === "join" && this.#pending.fresh) return;
    if (document.visibilityState !== "visible" || !this.isNearBottom()) return;
    this.#marked = this.#newest;
    this.#options.readMarks.markSeen(room, this.#newest);
  }

  #setBelow(count: number): void {
    this.#below = count;
    const jump = this.#options.jump;
    jump.hidden = count === 0;
    const what = count === 1 ? "1 new message" : `${count} new messages`;
    jump.textContent = `${what} ↓`;
    jump.setAttribute("aria-label", `Jump to latest: ${what}`);
  }

  /** The oldest room event shown: the next page of history is the one before it. */
  #oldestRoomEvent(): number | undefined {
    let oldest: number | undefined;
    for (const row of this.#element.querySelectorAll<HTMLElement>(".event[data-id]")) {
      if (row.dataset.type === "private") continue;
      const id = Number(row.dataset.id);
      if (oldest === undefined || id < oldest) oldest = id;
    }
    return oldest;
  }

  /** Drops the oldest lines past {@linkcode MAX_LINES}, while the reader is at the end. */
  #trim(stick: boolean): void {
    const list = this.#element;
    if (!stick || list.childElementCount <= MAX_LINES) return;
    const top = this.#top?.element.parentNode === list ? this.#top.element : undefined;
    while (list.childElementCount > MAX_LINES) {
      const first = top?.nextElementSibling ?? list.firstElementChild;
      if (first === null || first === top) break;
      for (const row of first.querySelectorAll<HTMLElement>("[data-id]")) {
        this.#shown.delete(Number(row.dataset.id));
      }
      if (first instanceof HTMLElement && first.dataset.id !== undefined) {
        this.#shown.delete(Number(first.dataset.id));
      }
      if (first === this.#line) this.#line = undefined;
      first.remove();
    }
    // The oldest row left starts its day again, and the dropped ones can be loaded again.
    const first = top?.nextElementSibling ?? list.firstElementChild;
    const day = first instanceof HTMLElement ? first.dataset.day : undefined;
    if (day !== undefined && !first!.matches(".separator.day")) {
      first!.before(daySeparator(day, new Date()));
    }
    if (this.#top !== undefined && this.#top.state === "done") this.#top.state = "more";
  }
}
