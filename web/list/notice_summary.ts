/**
 * One line for a run of join and leave notices: a classroom arriving is "ana, ben and 23 others
 * joined", not 25 lines. Pure, so the wording is tested without a browser; the list keeps each
 * notice behind the line, to be expanded.
 *
 * @module
 */

/** One join or leave notice: who, and which. */
export interface NoticeItem {
  nick: string;
  event: "join" | "leave";
}

/** Nicks named before the rest are counted: "ana, ben and 3 others". */
const NAMED = 2;

/** What a person did over the run, by their first and last notice in it. */
const DID: Record<string, string> = {
  "join join": "joined",
  "leave leave": "left",
  "join leave": "joined and left",
  "leave join": "left and came back",
};

/**
 * The line that stands for `items` (in the order they happened): people grouped by what they
 * did, groups in the order they first appear, each naming two people and counting the rest.
 *
 * @example
 * ```ts
 * import { summarizeNotices } from "./notice_summary.ts";
 * summarizeNotices([{ nick: "ana", event: "join" }, { nick: "ben", event: "leave" }]);
 * // "ana joined, ben left"
 * ```
 */
export function summarizeNotices(items: readonly NoticeItem[]): string {
  const people = new Map<string, { first: string; last: string }>();
  for (const { nick, event } of items) {
    const person = people.get(nick);
    if (person === undefined) people.set(nick, { first: event, last: event });
    else person.last = event;
  }
  const groups = new Map<string, string[]>();
  for (const [nick, { first, last }] of people) {
    const did = DID[`${first} ${last}`];
    const group = groups.get(did);
    if (group === undefined) groups.set(did, [nick]);
    else group.push(nick);
  }
  return [...groups].map(([did, nicks]) => `${listNicks(nicks)} ${did}`).join(", ");
}

/** "ana", "ana and ben", "ana, ben and cy", "ana, ben and 2 others". */
function listNicks(nicks: readonly string[]): string {
  if (nicks.length === 1) return nicks[0];
  if (nicks.length <= NAMED + 1) return `${nicks.slice(0, -1).join(", ")} and ${nicks.at(-1)}`;
  return `${nicks.slice(0, NAMED).join(", ")} and ${nicks.length - NAMED} others`;
}
