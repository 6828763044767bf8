/**
 * What stands between the rows of the message list: a line where a new day begins, the "New
 * messages" line, and runs of join and leave notices folded into one expandable line (a
 * `details` element, so it opens with a click or the keyboard and says whether it is open).
 *
 * Rows are placed one at a time at the end of a container: the list itself for live events, or
 * a fragment for a page of earlier history, which {@linkcode insertPage} then joins to the top
 * of what is shown so that a day or a run of notices cut by the page boundary stays one.
 * Everything needed is kept in the DOM (`data-day` on rows, groups and day lines), so both work
 * the same on either side of the boundary.
 *
 * @module
 */
import { el } from "../elements.ts";
import { dayLabel } from "./days.ts";
import { type NoticeItem, summarizeNotices } from "./notice_summary.ts";

/**
 * Appends `row` to `container`: after a day line if its day (`data-day`) is not the day of what
 * comes before it, after `line` if given (the "New messages" line), and into the run of join
 * and leave notices before it if it is one too. Returns the day line it added, if it added one.
 *
 * @example
 * ```ts ignore
 * placeRow(page.messages, renderEvent(event, "ana"), { now: new Date() });
 * ```
 */
export function placeRow(
  container: ParentNode,
  row: HTMLElement,
  options: { now: Date; line?: HTMLElement },
): HTMLElement | undefined {
  const day = row.dataset.day;
  let dayLine: HTMLElement | undefined;
  if (day !== undefined && day !== lastDay(container)) {
    dayLine = daySeparator(day, options.now);
    container.append(dayLine);
  }
  if (options.line !== undefined) container.append(options.line);
  const last = container.lastElementChild;
  if (isNoticeRun(row) && last !== null && isNoticeRun(last)) joinRuns(last, row);
  else container.append(row);
  return dayLine;
}

/**
 * Puts `page` (rows placed with {@linkcode placeRow}, older than everything shown) right after
 * `top`, dropping the day line below it when the page ends on that day and joining a run of
 * notices the page boundary cut in two.
 *
 * @example
 * ```ts ignore
 * insertPage(loader, fragment);
 * ```
 */
export function insertPage(top: Element, page: DocumentFragment): void {
  const below = top.nextElementSibling;
  if (isDaySeparator(below) && below.dataset.day === lastDay(page)) below.remove();
  const next = top.nextElementSibling;
  const end = page.lastElementChild;
  if (next !== null && end !== null && isNoticeRun(next) && isNoticeRun(end)) {
    const rows = next instanceof HTMLDetailsElement ? [...next.querySelectorAll(".event")] : [next];
    next.remove();
    let run = end;
    for (const row of rows) run = joinRuns(run, row as HTMLElement);
  }
  top.after(page);
}

/**
 * Drops the oldest items of `list` (those right after `top`, the line at the top of the history,
 * if it is there) until `keep` are left, and starts the day of the oldest row left with its day
 * line again. Returns the event ids dropped.
 *
 * @example
 * ```ts ignore
 * const { ids } = dropOldest(page.messages, { keep: 3000, top, now: new Date() });
 * ```
 */
export function dropOldest(
  list: HTMLElement,
  options: { keep: number; top?: HTMLElement; now: Date },
): { ids: number[] } {
  const { keep, top } = options;
  const ids: number[] = [];
  const oldest = () => top?.nextElementSibling ?? list.firstElementChild;
  while (list.childElementCount > keep) {
    const first = oldest();
    if (first === null || first === top) break;
    for (const row of [first, ...first.querySelectorAll("[data-id]")]) {
      const id = (row as HTMLElement).dataset.id;
      if (id !== undefined) ids.push(Number(id));
    }
    first.remove();
  }
  const first = oldest();
  const day = first instanceof HTMLElement ? first.dataset.day : undefined;
  if (day !== undefined && !first!.matches(".separator.day")) {
    first!.before(daySeparator(day, options.now));
  }
  return { ids };
}

/** Gives each day line in `container` its label as of `now` ("Today" turns into "Yesterday"). */
export function relabelDays(container: ParentNode, now: Date): void {
  for (const line of container.querySelectorAll<HTMLElement>(".separator.day")) {
    line.textContent = dayLabel(line.dataset.day!, now);
  }
}

/**
 * A line across the list: `kind` is `day`, `new` (where the reader left off) or `end` (of the
 * history replayed on joining).
 */
export function separator(text: string, kind: "day" | "new" | "end"): HTMLElement {
  return el("div", { className: `separator ${kind}`, attrs: { role: "separator" } }, text);
}

/** The line before the first row of `day` (a `localDay`), labelled as of `now`. */
export function daySeparator(day: string, now: Date): HTMLElement {
  const line = separator(dayLabel(day, now), "day");
  line.dataset.day = day;
  return line;
}

function isDaySeparator(element: Element | null): element is HTMLElement {
  return element instanceof HTMLElement && element.matches(".separator.day");
}

/** The day of the last dated thing in `container` (row, notice run or day line). */
function lastDay(container: ParentNode): string | undefined {
  for (let item = container.lastElementChild; item !== null; item = item.previousElementSibling) {
    const day = (item as HTMLElement).dataset.day;
    if (day !== undefined) return day;
  }
  return undefined;
}

/** A join or leave notice row, or a folded run of them. */
function isNoticeRun(element: Element): boolean {
  if (element instanceof HTMLDetailsElement) return element.classList.contains("notices");
  return element instanceof HTMLElement && element.dataset.type === "notice" &&
    (element.dataset.event === "join" || element.dataset.event === "leave");
}

/** Adds `row` to the run `run` ends (folding a lone notice first); returns the folded run. */
function joinRuns(run: Element, row: HTMLElement): HTMLDetailsElement {
  let group: HTMLDetailsElement;
  if (run instanceof HTMLDetailsElement) {
    group = run;
  } else {
    group = el("details", { className: "notices" }, el("summary"));
    const day = (run as HTMLElement).dataset.day;
    if (day !== undefined) group.dataset.day = day;
    run.replaceWith(group);
    group.append(run);
  }
  group.append(row);
  summarize(group);
  return group;
}

/** Writes the run's one line: the time of its first notice, and who came and went. */
function summarize(group: HTMLDetailsElement): void {
  const rows = [...group.querySelectorAll<HTMLElement>(".event")];
  const items: NoticeItem[] = rows.map((row) => ({
    nick: row.dataset.from ?? "",
    event: row.dataset.event === "leave" ? "leave" : "join",
  }));
  const time = rows[0].querySelector(".time");
  group.querySelector("summary")!.replaceChildren(
    el("span", { className: "time" }, time?.textContent ?? ""),
    " ",
    el("span", { className: "text" }, summarizeNotices(items)),
    el("span", { className: "visually-hidden" }, ` (${rows.length} notices)`),
  );
}
