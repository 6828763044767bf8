import { BASE32 as ALPHABET } from "./_random.ts";

const GROUPS = 3;
const GROUP_CHARS = 5;

/**
 * Generates a passkey of 15 base32 characters (75 bits of entropy) in three groups that are
 * easy to read aloud and type, such as `7kq2m-9xd4t-r8p3c`.
 *
 * @example
 * ```ts
 * import { generatePasskey } from "./passkey.ts";
 * generatePasskey(); // e.g. "7kq2m-9xd4t-r8p3c"
 * ```
 */
export function generatePasskey(): string {
  const random = crypto.getRandomValues(new Uint8Array(GROUPS * GROUP_CHARS));
  const chars = [...random].map((byte) => ALPHABET[byte & 31]);
  const groups: string[] = [];
  for (let i = 0; i < GROUPS; i++) {
    groups.push(chars.slice(i * GROUP_CHARS, (i + 1) * GROUP_CHARS).join(""));
  }
  return groups.join("-");
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

/**
 * Checks passkeys in constant time: both are hashed to 32 bytes and every byte is compared,
 * so the time taken says nothing about how much of a guess was right.
 *
 * @example
 * ```ts
 * import { PasskeyChecker } from "./passkey.ts";
 * const checker = await PasskeyChecker.create("7kq2m-9xd4t-r8p3c");
 * await checker.matches("7kq2m-9xd4t-r8p3c"); // true
 * ```
 */
export class PasskeyChecker {
  /**
   * Names this passkey without revealing it: what devices and invites made under it are marked
   * with, so that a new passkey signs every device out and revokes every invite.
   */
  readonly tag: string;
  readonly #expected: Uint8Array;

  private constructor(expected: Uint8Array, tag: string) {
    this.#expected = expected;
    this.tag = tag;
  }

  /** Prepares a checker for `passkey`. */
  static async create(passkey: string): Promise<PasskeyChecker> {
    const tag = [...(await digest(`chat passkey tag\n${passkey}`)).subarray(0, 8)]
      .map((byte) => byte.toString(16).padStart(2, "0")).join("");
    return new PasskeyChecker(await digest(passkey), tag);
  }

  /** Whether `candidate` is the passkey. */
  async matches(candidate: string): Promise<boolean> {
    const actual = await digest(candidate);
    let difference = 0;
    for (let i = 0; i < actual.length; i++) difference |= actual[i] ^ this.#expected[i];
    return difference === 0;
  }
}
