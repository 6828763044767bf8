/**
 * The message list of one place, a room or a private conversation: events in order, each shown
 * once, with a line where each day begins, runs of join and leave notices folded into one line,
 * and a "New messages" line where the reader left off when they come back (read_marks.ts: the
 * server's read markers, which it may tell only after the room's first page has arrived).
 *
 * Earlier history loads by itself when the reader scrolls near the top (or presses the button
 * there, or types `/history`), one page at a time, and goes above what is shown without moving
 * what the reader is looking at: the distance from the bottom is kept, which holds whether or
 * not the browser anchors scrolling itself. The view follows new lines while the reader is at the
 * newest; scrolled up, it stays, and a "Jump to latest" button counts what arrived below.
 *
 * The page keeps one list per place it has opened and shows one at a time: a hidden list keeps
 * taking what arrives, and shown again it opens where the reader left off. Only the list on
 * screen tells the read marks what the reader sees and drives the shared Jump button.
 *
 * @module
 */
import type { DisplayEvent } from "../../src/client/display_event.ts";
import type { Place } from "../../src/client/unread_tracker.ts";
import { renderEvent } from "./event_row.ts";
import { HistoryTop } from "./history_top.ts";
import { newMessagesLine, ownsRow, placeNewLine } from "./new_line.ts";
import type { ReadMarks } from "./read_marks.ts";
import { dropOldest, insertPage, placeRow, relabelDays, separator } from "./row_layout.ts";

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
  /** Adds what changes to a message show (a reply's quote, reactions, its actions) to its line. */
  decorate?: (div: HTMLDivElement, event: DisplayEvent) => void;
  /** Sends a `history` request; false while disconnected. */
  requestHistory: (request: { before?: number; limit: number }) => boolean;
  /** Where the reader left off in each place, and what they see now. */
  readMarks: ReadMarks;
  /** The "Jump to latest" button, shown while new lines wait below (shared by the lists). */
  jump: HTMLButtonElement;
}

/**
 * One place's log: `#messages` for the room, another element for each conversation.
 *
 * @example
 * ```ts ignore
 * const list = new MessageList(page.messages, options);
 * list.enter({ room: "lobby" });
 * list.note("Connected.");
 * ```
 */
export class MessageList {
  readonly #element: HTMLElement;
  readonly #options: MessageListOptions;
  /** Ids of the events shown: a catch-up or a history page may bring one again. */
  readonly #shown = new Set<number>();
  #pending: Pending | undefined;
  #place: Place | undefined;
  #top: HistoryTop | undefined;
  /** The reader's read mark when they entered the place: later events are new to them. */
  #seenBefore: number | undefined;
  #line: HTMLElement | undefined;
  /** Events that arrived below while the reader was scrolled up. */
  #below = 0;
  /** When hidden: whether the reader was at the newest line, else how far above it. */
  #leftAt: { end: true } | { end: false; fromBottom: number } = { end: true };

  constructor(element: HTMLElement, options: MessageListOptions) {
    this.#element = element;
    this.#options = options;
    element.addEventListener("scroll", () => this.#scrolled(), { passive: true });
    options.jump.addEventListener("click", () => {
      if (this.hidden) return;
      this.scrollDown(true);
      // The button hides; the focus goes to the list it took the reader to, not to the page.
      element.focus({ preventScroll: true });
    });
    const attention = () => this.#reportSeen();
    document.addEventListener("visibilitychange", attention);
    addEventListener("focus", attention);
    addEventListener("blur", attention);
  }

  /** The element the list shows its rows in. */
  get element(): HTMLElement {
    return this.#element;
  }

  /** The place this list is of, once entered. */
  get place(): Place | undefined {
    return this.#place;
  }

  /** Whether the list is off screen (another place is shown). */
  get hidden(): boolean {
    return this.#element.hidden === true;
  }

  /**
   * Whether the reader sees the newest line: the list is on screen and has its first page, the
   * page is visible and focused, and the list is scrolled to the end.
   */
  get seen(): boolean {
    const pending = this.#pending;
    return this.#place !== undefined && !this.hidden &&
      !(pending?.mode === "join" && pending.fresh) &&
      document.visibilityState === "visible" && document.hasFocus() && this.isNearBottom();
  }

  /** Empties the list (another room, another login). */
  clear(): void {
    this.#element.replaceChildren();
    this.#shown.clear();
    this.#pending = undefined;
    this.#place = undefined;
    this.#top = undefined;
    this.#line = undefined;
    this.#setBelow(0);
  }

  /**
   * The user entered `place`: its history follows (for a room, after `joined`; for a
   * conversation, once asked for), below a line to load earlier pages.
   */
  enter(place: Place): void {
    this.#place = place;
    this.#seenBefore = this.#options.readMarks.lastRead(place);
    this.#top = new HistoryTop(() => this.loadEarlier({ quiet: true }));
    this.#append(this.#top.element);
    this.#pending = { mode: "join", fresh: true, rows: 0 };
  }

  /**
   * The reader's read mark in this place became known after they entered it (the server's
   * counts follow a login's first room): the "New messages" line goes where they left off.
   */
  readMarkKnown(id: number): void {
    if (this.#seenBefore !== undefined || this.#place === undefined) return;
    this.#seenBefore = id;
    if (this.#pending?.mode === "join" && this.#pending.fresh) return;
    const stick = this.isNearBottom();
    this.#placeLine(id);
    this.scrollDown(stick);
  }

  /** Takes the list off screen, remembering where the reader was. */
  hide(): void {
    if (this.hidden) return;
    const list = this.#element;
    this.#leftAt = this.isNearBottom()
      ? { end: true }
      : { end: false, fromBottom: list.scrollHeight - list.scrollTop };
    list.hidden = true;
  }

  /**
   * Puts the list on screen again. A reader who had read to the end finds a "New messages" line
   * above what arrived meanwhile, and lands there; one who was reading back finds their place.
   */
  show(): void {
    if (!this.hidden) return;
    const list = this.#element;
    list.hidden = false;
    const leftAt = this.#leftAt;
    const pending = this.#pending;
    if (pending?.mode === "join" && pending.fresh) {
      // The first page is still on its way; it lands by itself.
    } else if (leftAt.end) {
      const read = this.#place === undefined
        ? undefined
        : this.#options.readMarks.lastRead(this.#place);
      this.#seenBefore = read;
      const line = read === undefined ? undefined : this.#placeLine(read);
      this.#land(line);
    } else {
      list.scrollTop = list.scrollHeight - leftAt.fromBottom;
    }
    this.#setBelow(this.#below);
    this.#reportSeen();
    this.#fill();
  }

  /** A block of the page's own (such as the list of mentions), shown like a note. */
  block(element: HTMLElement): void {
    this.#append(element);
  }

  /** The connection came back to the same room: what was missed follows (PROTOCOL §2.2). */
  expectCatchUp(): void {
    // A page asked for on the lost connection never comes: it can be asked for again.
    if (this.#pending?.mode === "page" && this.#top !== undefined) this.#top.state = "more";
    this.#pending = { mode: "join", fresh: false, rows: 0 };
  }

  /**
   * The connection was replaced, and no catch-up comes for this list (a conversation's): a page
   * asked for on the lost one never comes. True when that was the first page, to ask again.
   */
  lostPending(): boolean {
    const pending = this.#pending;
    if (pending?.mode === "join") return pending.fresh;
    if (pending?.mode === "page" && this.#top !== undefined) this.#top.state = "more";
    this.#pending = undefined;
    return false;
  }

  /**
   * Asks for the page of history before the oldest event shown (`limit` events, a page unless
   * told); `quiet` unless typed, when its end is told in a line.
   */
  loadEarlier(options: { limit?: number; quiet?: boolean } = {}): LoadOutcome {
    if (this.#pending !== undefined) return "busy";
    const before = this.#oldestEvent();
    if (!this.#options.requestHistory({ before, limit: options.limit ?? PAGE })) return "offline";
    const fragment = document.createDocumentFragment();
    this.#pending = { mode: "page", fragment, quiet: options.quiet ?? false };
    if (this.#top !== undefined) this.#top.state = "loading";
    return "requested";
  }

  /** Shows an event of this place (or a private one, in a room's list), unless shown already. */
  showEvent(event: DisplayEvent): void {
    const pending = this.#pending;
    const place = this.#place;
    // History nothing here asked for: a page asked for just before a /join, of the new room.
    if (event.history && pending === undefined) return;
    if (event.history && place !== undefined && "room" in place && event.room !== place.room) {
      return;
    }
    if (event.id !== undefined) {
      if (this.#shown.has(event.id)) return;
      this.#shown.add(event.id);
    }
    const row = this.#render(event);
    if (event.history && pending?.mode === "page") {
      const line = pending.line === undefined ? this.#newLineFor(event) : undefined;
      pending.line ??= line;
      placeRow(pending.fragment, row, { now: new Date(), line });
      return;
    }
    if (event.history && pending?.mode === "join") pending.rows++;
    const stick = this.#atEnd();
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
    this.#reportSeen();
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
      this.#land(this.#line);
    }
    this.#reportSeen();
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
    // A hidden list has no geometry; shown again, it opens where the reader left it.
    if (this.hidden) return;
    if (list.scrollHeight - list.scrollTop - list.clientHeight - height < STICK_PX) {
      this.scrollDown(true);
    } else if (element.getBoundingClientRect().top < list.getBoundingClientRect().top) {
      // It grew downwards from above the visible part: everything in view moved down with it.
      list.scrollTop += height;
    }
  }

  /** Whether the reader is at the newest line, or was when the list was hidden. */
  #atEnd(): boolean {
    return this.hidden ? this.#leftAt.end : this.isNearBottom();
  }

  /** Scrolls to the newest line when `stick`. */
  scrollDown(stick: boolean): void {
    if (!stick) return;
    this.#element.scrollTop = this.#element.scrollHeight;
    this.#setBelow(0);
    this.#reportSeen();
  }

  #render(event: DisplayEvent): HTMLDivElement {
    const conversation = this.#place !== undefined && "with" in this.#place;
    const div = renderEvent(event, this.#options.self(), { conversation });
    if (event.type === "file") this.#options.decorateFile(div, event);
    this.#options.decorate?.(div, event);
    return div;
  }

  #append(element: HTMLElement): void {
    const stick = this.#atEnd();
    this.#element.append(element);
    this.#trim(stick);
    this.scrollDown(stick);
  }

  /** The "New messages" line, if `event` is the first the reader has not seen. */
  #newLineFor(event: DisplayEvent): HTMLElement | undefined {
    const seen = this.#seenBefore;
    if (seen === undefined || event.id === undefined || event.id <= seen) return undefined;
    if (event.from === this.#options.self() || !ownsRow(this.#place, event.type, event.to)) {
      return undefined;
    }
    return newMessagesLine();
  }

  /** Moves the "New messages" line above the first row after `read`, if any; returns it. */
  #placeLine(read: number): HTMLElement | undefined {
    this.#line?.remove();
    this.#line = placeNewLine(this.#element, read, this.#place);
    return this.#line;
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

  /** Opens at the "New messages" line `line` if there is one, else the end. */
  #land(line: HTMLElement | undefined): void {
    const list = this.#element;
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
    // A hidden list has no box: it fills once shown.
    if (this.hidden) return;
    if (this.#top?.state === "more" && list.scrollHeight <= list.clientHeight) {
      this.loadEarlier({ quiet: true });
    }
  }

  #scrolled(): void {
    const list = this.#element;
    if (this.#top?.state === "more" && list.scrollTop < list.clientHeight) {
      this.loadEarlier({ quiet: true });
    }
    if (this.isNearBottom()) this.#setBelow(0);
    this.#reportSeen();
  }

  /** Tells the read marks whether the reader sees the newest line, while on screen. */
  #reportSeen(): void {
    if (this.#place === undefined || this.hidden) return;
    this.#options.readMarks.seeing(this.#place, this.seen);
  }

  #setBelow(count: number): void {
    this.#below = count;
    // The button is shared: the list on screen shows its own count on it.
    if (this.hidden) return;
    const jump = this.#options.jump;
    jump.hidden = count === 0;
    const what = count === 1 ? "1 new message" : `${count} new messages`;
    jump.textContent = `${what} ↓`;
    jump.setAttribute("aria-label", `Jump to latest: ${what}`);
  }

  /** The oldest event of this place shown: the next page of history is the one before it. */
  #oldestEvent(): number | undefined {
    let oldest: number | undefined;
    for (const row of this.#element.querySelectorAll<HTMLElement>(".event[data-id]")) {
      if (!ownsRow(this.#place, row.dataset.type, row.dataset.to)) continue;
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
    const dropped = dropOldest(list, { keep: MAX_LINES, top, now: new Date() });
    for (const id of dropped.ids) this.#shown.delete(id);
    if (this.#line !== undefined && !list.contains(this.#line)) this.#line = undefined;
    // The dropped ones can be loaded again.
    if (this.#top !== undefined && this.#top.state === "done") this.#top.state = "more";
  }
}
