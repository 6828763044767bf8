import { nickKey } from "./names.ts";

/** A character that may continue a nick (names.ts): after `@nick` one of these means a longer nick. */
const NICK_CHAR = /[\p{L}\p{M}\p{Nd}_.\-]/u;
/** A character that may stand right before `@` of a mention: anything but a nick character. */
const BEFORE = /[\p{L}\p{M}\p{Nd}_]/u;

/**
 * Whether `text` mentions `nick`: `@nick` anywhere, case-insensitively (by {@linkcode nickKey}),
 * not inside a word (`me@ana.example` is no mention) and not as the start of a longer nick
 * (`@anabel` does not mention `ana`). A `.` or `-` that ends a sentence after the nick still
 * counts (`thanks @ana.`).
 *
 * @example
 * ```ts
 * import { mentions } from "./mentions.ts";
 * mentions("hi @Ana, look", "ana"); // true
 * mentions("hi @anabel", "ana"); // false
 * ```
 */
export function mentions(text: string, nick: string): boolean {
  if (nick === "" || !text.includes("@")) return false;
  const key = nickKey(nick);
  for (const found of mentionedNicks(text)) {
    if (found.key === key) return true;
    // "@ana." at a sentence's end: the nick pattern took the dot, the mention is still "ana".
    if (found.key.replace(/[.\-]+$/u, "") === key) return true;
  }
  return false;
}

/** One `@nick` in a text: where it stands (the `@` included) and its {@linkcode nickKey}. */
export interface MentionSpan {
  start: number;
  end: number;
  key: string;
}

/**
 * Every `@nick` in `text`, in order: the spans a client highlights. A span's nick is as long as
 * nick characters allow; callers compare keys with {@linkcode mentions}'s rule.
 *
 * @example
 * ```ts
 * import { mentionedNicks } from "./mentions.ts";
 * mentionedNicks("@ana and @Ben!").map((m) => m.key); // ["ana", "ben"]
 * ```
 */
export function mentionedNicks(text: string): MentionSpan[] {
  const spans: MentionSpan[] = [];
  let at = text.indexOf("@");
  while (at !== -1) {
    const before = at === 0 ? "" : charBefore(text, at);
    let end = at + 1;
    if (before === "" || !BEFORE.test(before)) {
      for (const char of text.slice(at + 1)) {
        if (!NICK_CHAR.test(char)) break;
        end += char.length;
      }
    }
    if (end > at + 1) spans.push({ start: at, end, key: nickKey(text.slice(at + 1, end)) });
    at = text.indexOf("@", end);
  }
  return spans;
}

/** The code point ending right before `index`. */
function charBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) return text.slice(index - 2, index);
  return text.slice(index - 1, index);
}
