/**
 * Takes the reader to a message: to its place (the room, joined if need be, or the private
 * conversation), then, if it is not shown yet, one earlier page of history after another (the
 * list's own paging, as scrolling up does) until it is, then scrolls it to the middle, gives it
 * the focus and highlights it for a moment. Used by a reply's quote and by search results.
 *
 * The list is watched for changes rather than asked: pages arrive as the server sends them, and
 * whatever happens meanwhile (a page, the first page of a room just joined) is a moment to look
 * again. It gives up when the history has nothing earlier, or after {@linkcode GIVE_UP_MS}.
 *
 * @module
 */
import type { Place } from "../../src/client/unread_tracker.ts";
import type { MessageList } from "../list/message_list.ts";
import { nickKey } from "../../src/protocol/names.ts";

/** How long a search for a message in the history may take, all pages together. */
const GIVE_UP_MS = 30_000;
/** How long a message stays highlighted. */
const HIGHLIGHT_MS = 2_500;

/** What finding a message needs of the page. */
export interface RevealOptions {
  /** The list of `place`, when it is open. */
  listOf(place: Place): MessageList | undefined;
  /** Puts `place` on screen: the room (joining it) or the conversation (opening it). */
  go(place: Place): void;
  /** Where the page's lists live, watched for pages arriving. */
  container: HTMLElement;
}

/** The row of `id` in `list`, if shown. */
export function rowOf(list: HTMLElement, id: number): HTMLElement | null {
  return list.querySelector<HTMLElement>(`.event[data-id="${id}"]`);
}

/** Whether `list` is of `place`. */
function isOf(list: MessageList, place: Place): boolean {
  const own = list.place;
  if (own === undefined) return false;
  if ("room" in place) return "room" in own && own.room === place.room;
  return "with" in own && nickKey(own.with) === nickKey(place.with);
}

/**
 * Shows message `id` of `place` as the module comment says; resolves with whether it was found.
 *
 * @example
 * ```ts ignore
 * if (!await revealMessage(41, { room: "lobby" }, options)) complain("That message is gone.");
 * ```
 */
export function revealMessage(id: number, place: Place, options: RevealOptions): Promise<boolean> {
  const { promise, resolve } = Promise.withResolvers<boolean>();
  let went = false;
  const step = (): boolean | undefined => {
    const list = options.listOf(place);
    if (list === undefined || !isOf(list, place)) {
      if (!went) options.go(place);
      went = true;
      return undefined;
    }
    if (list.hidden && !went) {
      options.go(place);
      went = true;
    }
    const row = rowOf(list.element, id);
    if (row !== null && !list.hidden) {
      highlight(row);
      return true;
    }
    const state = list.element.querySelector<HTMLElement>(".history-top")?.dataset.state;
    if (state === "done") return false;
    if (state === "more") list.loadEarlier({ quiet: true });
    return undefined;
  };
  const observer = new MutationObserver(() => settle(step()));
  const timer = setTimeout(() => settle(false), GIVE_UP_MS);
  const settle = (found: boolean | undefined) => {
    if (found === undefined) return;
    observer.disconnect();
    clearTimeout(timer);
    resolve(found);
  };
  observer.observe(options.container, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-state", "hidden"],
  });
  settle(step());
  return promise;
}

/** Scrolls `row` to the middle of its list, focuses it and highlights it for a moment. */
function highlight(row: HTMLElement): void {
  row.scrollIntoView({ block: "center" });
  row.tabIndex = -1;
  row.focus({ preventScroll: true });
  row.classList.add("highlight");
  setTimeout(() => row.classList.remove("highlight"), HIGHLIGHT_MS);
}
