/**
 * The terminal's lines for replies, reactions, edits, deletes and search (PROTOCOL.md section
 * 3.6), around the line {@linkcode renderLine} draws for a message. Terminal scrollback cannot
 * be changed, so a change is a line of its own that names the message by id (`ana edited #12:
 * …`), and a reaction prints the message's whole reaction summary as the client's message book
 * has it, so the newest line is always the truth.
 *
 * @module
 */
import * as colors from "@std/fmt/colors";
import type { Quote, Reactions } from "../protocol/mod.ts";
import { formatClock } from "./clock.ts";
import type { SearchResult } from "./change_display.ts";
import type { DisplayEvent } from "./display_event.ts";
import { nickColor, renderLine } from "./render.ts";
import { sanitize } from "./sanitize.ts";

/** Characters of the original a reply's quote line shows. */
const QUOTE_SHOWN = 60;

/** How {@linkcode renderEvent} draws. */
export interface RenderOptions {
  /** This client's nick. */
  self: string;
  now?: Date;
  /** `/ids on`: each message line starts with its `#ID`. */
  ids?: boolean;
}

/**
 * Renders an event as terminal lines: a message with its reply quote before it, `(edited)` or
 * `(message deleted)`, its `#ID` with `/ids on`, and its reactions after it; a change as a line
 * naming the message; search results one a line. Everything else as {@linkcode renderLine} does.
 *
 * @example
 * ```ts
 * import { renderEvent } from "./render_changes.ts";
 * renderEvent({ type: "reaction", id: 9, ref: 4, from: "ben", emoji: "👍", text: "",
 *   reactions: [{ emoji: "👍", nicks: ["ana", "ben"] }] }, { self: "ana" });
 * // "  #4 👍 2 (ana, ben)"
 * ```
 */
export function renderEvent(event: DisplayEvent, options: RenderOptions): string {
  const now = options.now ?? new Date();
  switch (event.type) {
    case "edit":
      return renderLine({ ...event, text: `${event.from} edited #${event.ref}: ${event.text}` }, {
        ...options,
        now,
      });
    case "delete":
      return renderLine({ ...event, text: `(${event.from} deleted #${event.ref})` }, {
        ...options,
        now,
      });
    case "reaction":
      return shade(event, reactionLine(event.ref!, event.reactions, event));
  }
  if (event.event === "search" && event.results !== undefined && event.results.length > 0) {
    return renderResults(event.results, { now, more: event.more === true });
  }
  const isMessage = event.type === "message" || event.type === "action" ||
    event.type === "private" || event.type === "file";
  if (!isMessage) return renderLine(event, { ...options, now });
  const shown = event.deleted ? { ...event, text: "(message deleted)" } : event;
  let line = renderLine(shown, { ...options, now });
  if (event.edited && !event.deleted) line += colors.dim(" (edited)");
  if (options.ids && event.id !== undefined) line = colors.gray(`#${event.id}`) + " " + line;
  const lines = [line];
  if (event.quote !== undefined) lines.unshift(shade(event, quoteLine(event.quote)));
  if (event.reactions !== undefined && event.reactions.length > 0 && event.id !== undefined) {
    lines.push(shade(event, reactionLine(event.id, event.reactions)));
  }
  return lines.join("\n");
}

/**
 * A message's reactions on one line: `  #12 👍 2 (ana, ben) · 🎉 1 (cy)`. Without the summary
 * (a reaction to a message this client never saw), what the reaction did.
 */
export function reactionLine(
  id: number,
  reactions: Reactions | undefined,
  change?: DisplayEvent,
): string {
  const head = colors.gray(`  #${id}`);
  if (reactions === undefined) {
    return `${head} ${sanitize(change?.text ?? "")}`;
  }
  if (reactions.length === 0) return `${head} ${colors.dim("no reactions")}`;
  const parts = reactions.map(({ emoji, nicks }) =>
    `${sanitize(emoji)} ${nicks.length} ${colors.dim(`(${nicks.map(sanitize).join(", ")})`)}`
  );
  return `${head} ${parts.join(colors.dim(" · "))}`;
}

/** The line before a reply: `  ↪ ana: start of the original…`. */
function quoteLine(quote: Quote): string {
  const from = sanitize(quote.from);
  if (quote.deleted) return colors.dim(`  ↪ ${from}: (message deleted)`);
  const flat = quote.text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  const start = chars.length > QUOTE_SHOWN ? chars.slice(0, QUOTE_SHOWN).join("") + "…" : flat;
  return colors.dim(`  ↪ ${nickColor(from)(from)}: ${sanitize(start)}`);
}

/** A line that belongs to a history event is dimmed and marked like it. */
function shade(event: DisplayEvent, line: string): string {
  return event.history ? colors.dim(`│ ${colors.stripAnsiCode(line)}`) : line;
}

/** `/search` results one a line, newest first: `#ID TIME ROOM FROM: TEXT`. */
function renderResults(
  results: readonly SearchResult[],
  options: { now: Date; more: boolean },
): string {
  const heading =
    `Found ${results.length} message${results.length === 1 ? "" : "s"}, newest first` +
    (options.more ? ` (older ones: add before:${results.at(-1)!.id})` : "") + ":";
  const lines = results.map((result) => {
    const time = formatClock(result.ts, options.now);
    const from = sanitize(result.from);
    const where = result.to === undefined ? sanitize(result.room) : `→ ${sanitize(result.to)}`;
    const edited = result.edited ? colors.dim(" (edited)") : "";
    return `   ${colors.gray(`#${result.id} ${time} ${where}`)} ${nickColor(from)(from)}: ${
      sanitize(result.text)
    }${edited}`;
  });
  return [colors.cyan(`-- ${heading}`), ...lines].join("\n");
}
