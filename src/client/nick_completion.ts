import { nickKey } from "../protocol/mod.ts";

/** What Tab offers for the text before the cursor: the word to replace and what may replace it. */
export interface NickCompletion {
  /** The end of the text that the completions replace, such as `@an`. */
  partial: string;
  /** Replacements, each with the space after it, sorted; none when nothing fits. */
  completions: string[];
}

/**
 * Completes a nick of the room at the end of `before` (the text left of the cursor):
 * `@an` becomes `@ana `; a bare word at the start of the line, `an`, becomes the mention `@ana `
 * too, since only `@ana` notifies ana; the nick of `/msg an` becomes `ana `. Matching ignores
 * case as nicks do, and the completion has the nick's own spelling. This client's own nick is
 * never offered.
 *
 * @example
 * ```ts
 * import { completeNick } from "./nick_completion.ts";
 * completeNick("hi @an", { nicks: ["Ana", "ben"], self: "ben" });
 * // { partial: "@an", completions: ["@Ana "] }
 * ```
 */
export function completeNick(
  before: string,
  room: { nicks: readonly string[]; self: string },
): NickCompletion {
  const partial = /\S*$/u.exec(before)![0];
  const start = before.length - partial.length;
  const msg = /^\/msg\s+$/iu.test(before.slice(0, start));
  let prefix: string;
  let mark: string;
  if (partial.startsWith("@")) {
    [prefix, mark] = [partial.slice(1), "@"];
  } else if (msg) {
    [prefix, mark] = [partial, ""];
  } else if (start === 0 && partial !== "" && !partial.startsWith("/")) {
    [prefix, mark] = [partial, "@"];
  } else {
    return { partial, completions: [] };
  }
  const key = nickKey(prefix);
  const self = nickKey(room.self);
  const nicks = new Map<string, string>();
  for (const nick of room.nicks) {
    const candidate = nickKey(nick);
    if (candidate !== self && candidate.startsWith(key)) nicks.set(candidate, nick);
  }
  const completions = [...nicks.entries()]
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([, nick]) => `${mark}${nick} `);
  return { partial, completions };
}
