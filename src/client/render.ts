import * as colors from "@std/fmt/colors";
import { mentionedNicks, mentions, nickKey } from "../protocol/mod.ts";
import { formatClock } from "./clock.ts";
import type { DisplayEvent, MentionListing } from "./display_event.ts";
import { hostLines } from "./host_display.ts";
import { parseMarkdown } from "./markdown/parse_markdown.ts";
import { renderAnsi } from "./markdown/render_ansi.ts";
import { sanitize } from "./sanitize.ts";

type Paint = (text: string) => string;

const NICK_COLORS: Paint[] = [
  colors.red,
  colors.green,
  colors.yellow,
  colors.blue,
  colors.magenta,
  colors.cyan,
  colors.brightRed,
  colors.brightGreen,
  colors.brightYellow,
  colors.brightBlue,
  colors.brightMagenta,
  colors.brightCyan,
];

/** Event types whose text is what someone wrote, in Markdown. */
const WRITTEN = new Set(["message", "action", "private"]);
/** Where the second and later lines of a message start, set off from the lines of others. */
const CONTINUED = "    ";

/** A colour for a nick that is the same on every run and every machine. */
export function nickColor(nick: string): Paint {
  let hash = 0x811c9dc5;
  for (const char of nickKey(nick)) {
    hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  }
  return NICK_COLORS[hash % NICK_COLORS.length];
}

/**
 * Renders an event as one terminal line. Everything that came from other users is passed
 * through {@linkcode sanitize}; colour is applied only when @std/fmt/colors is enabled. A line
 * that mentions you (`event.mention`) is bold, with each `@you` in reverse video. What people
 * write is Markdown (markdown/render_ansi.ts): a message of several lines, a list, a quote or a
 * code block continues on indented lines.
 *
 * @example
 * ```ts
 * import { renderLine } from "./render.ts";
 * renderLine({ type: "message", from: "ada", text: "hi", ts: new Date().toISOString() },
 *   { self: "bob" }); // "09:30 <ada> hi" (with colour on a terminal)
 * ```
 */
export function renderLine(event: DisplayEvent, options: { self: string; now?: Date }): string {
  if (event.event === "mentions" && event.mentions !== undefined && event.mentions.length > 0) {
    return renderMentions(event.mentions, { ...options, more: event.more === true });
  }
  const listed = hostLines(event);
  if (listed !== undefined) {
    const [heading, ...rows] = listed.map(sanitize);
    return [colors.cyan(`-- ${heading}`), ...rows.map((row) => `   ${row}`)].join("\n");
  }
  const time = formatClock(event.ts, options.now ?? new Date());
  const stamp = time === "" ? "" : colors.gray(time) + " ";
  const paint = event.mention && !event.history
    ? (text: string) => highlightMentions(text, options.self)
    : undefined;
  const text = WRITTEN.has(event.type)
    ? renderAnsi(parseMarkdown(event.text), { paint }).join(`\n${CONTINUED}`)
    : paint === undefined
    ? sanitize(event.text)
    : paint(sanitize(event.text));
  const from = event.from === undefined ? "" : sanitize(event.from);
  const who = (nick: string) => nickColor(nick)(nick);
  let line: string;
  switch (event.type) {
    case "message":
      line = `${stamp}<${who(from)}> ${text}`;
      break;
    case "action":
      line = `${stamp}* ${who(from)} ${text}`;
      break;
    case "private": {
      const to = sanitize(event.to ?? "");
      line = from === options.self
        ? `${stamp}${colors.magenta("[private to")} ${who(to)}${colors.magenta("]")} ${text}`
        : `${stamp}${colors.magenta("[private from")} ${who(from)}${colors.magenta("]")} ${text}`;
      break;
    }
    case "notice":
    case "edit":
    case "delete":
    case "reaction":
      line = `${stamp}${colors.gray(`-- ${text}`)}`;
      break;
    case "error":
      line = colors.red(`! ${text}`);
      break;
    case "file":
    case "system":
      line = colors.cyan(`-- ${text}`);
      break;
  }
  if (event.history) {
    return colors.stripAnsiCode(line).split("\n").map((part: string) => colors.dim(`│ ${part}`))
      .join("\n");
  }
  return event.mention ? colors.bold(line) : line;
}

/**
 * `/mentions` as lines: a heading, then each message that mentions you as it was said, with its
 * room, and your `@nick` in reverse video.
 */
function renderMentions(
  list: readonly MentionListing[],
  options: { self: string; now?: Date; more: boolean },
): string {
  const heading = options.more ? `Mentions of you, the newest ${list.length}:` : "Mentions of you:";
  const lines = list.map((mention) => {
    const time = formatClock(mention.ts, options.now ?? new Date());
    const from = sanitize(mention.from);
    const text = highlightMentions(sanitize(mention.text), options.self);
    const said = mention.type === "action"
      ? `* ${nickColor(from)(from)} ${text}`
      : `<${nickColor(from)(from)}> ${text}`;
    return `   ${colors.gray(`${time} ${sanitize(mention.room)}`)} ${said}`;
  });
  return [colors.cyan(`-- ${heading}`), ...lines].join("\n");
}

/** `text` with each mention of `self` in reverse video, by the rule of `mentions()`. */
function highlightMentions(text: string, self: string): string {
  let out = "";
  let at = 0;
  for (const { start, end } of mentionedNicks(text)) {
    if (!mentions(text.slice(start, end), self)) continue;
    out += text.slice(at, start) + colors.inverse(text.slice(start, end));
    at = end;
  }
  return out + text.slice(at);
}
