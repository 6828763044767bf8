/** Longest nick or room name, in characters (code points). */
export const MAX_NAME_CHARS = 32;

const NAME_PATTERN = /^[\p{L}\p{Nd}_][\p{L}\p{M}\p{Nd}_.\-]*$/u;

function nameProblem(kind: "Nick" | "Room name", name: string): string | undefined {
  const chars = [...name].length;
  if (chars === 0) return `${kind} must not be empty.`;
  if (chars > MAX_NAME_CHARS) {
    return `${kind} "${
      name.slice(0, 40)
    }" is ${chars} characters long; the limit is ${MAX_NAME_CHARS}.`;
  }
  if (!NAME_PATTERN.test(name)) {
    return `${kind} ${JSON.stringify(name)} may only contain letters, digits, "_", "-" and "." ` +
      `and must start with a letter, digit or "_".`;
  }
  return undefined;
}

/**
 * Returns why a nick breaks the rules (1–32 letters of any script, digits, `_ - .`),
 * or `undefined` when it is valid.
 *
 * @example
 * ```ts
 * import { nickProblem } from "./names.ts";
 * nickProblem("Zoë"); // undefined
 * nickProblem("a b"); // 'Nick "a b" may only contain letters, ...'
 * ```
 */
export function nickProblem(nick: string): string | undefined {
  return nameProblem("Nick", nick);
}

/**
 * The key under which a nick is unique: case-insensitive and normalised, so `Zoë` (composed)
 * and `ZOË` (decomposed) collide.
 *
 * @example
 * ```ts
 * import { nickKey } from "./names.ts";
 * nickKey("Alice") === nickKey("ALICE"); // true
 * ```
 */
export function nickKey(nick: string): string {
  return nick.normalize("NFKC").toLowerCase();
}

/**
 * Normalises a room name as the server stores it: a leading `#` dropped, lowercased.
 * Returns the name and, if it breaks the rules, why.
 *
 * @example
 * ```ts
 * import { normalizeRoom } from "./names.ts";
 * normalizeRoom("#Lab-2"); // { room: "lab-2", problem: undefined }
 * ```
 */
export function normalizeRoom(name: string): { room: string; problem: string | undefined } {
  const room = (name.startsWith("#") ? name.slice(1) : name).normalize("NFC").toLowerCase();
  return { room, problem: nameProblem("Room name", room) };
}
