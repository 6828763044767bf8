/**
 * Whether a SQLite database file or its `-wal` file holds `text` (as UTF-8 bytes): what a test of
 * deleting for good looks for, in the bytes a thief of the disk would read, not through SQL.
 *
 * @example
 * ```ts ignore
 * assert(await databaseHolds(`${dataDir}/chat.db`, "secret"));
 * ```
 */
export async function databaseHolds(path: string, text: string): Promise<boolean> {
  const needle = new TextEncoder().encode(text);
  for (const file of [path, `${path}-wal`]) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    if (indexOf(bytes, needle) >= 0) return true;
  }
  return false;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
