import { join } from "@std/path";

/** The file in the data dir that holds the operator credential (PROTOCOL.md section 3.5). */
export const OPERATOR_FILE = "operator";

/** Random bytes of a new operator credential, written as hex: 160 bits. */
const CREDENTIAL_BYTES = 20;

/**
 * Returns the SHA-256 (lowercase hex) of the operator credential stored in `dataDir/operator`,
 * generating and storing one (mode 0600, like the passkey) at the first start. Whoever can read
 * that file signs in as host: `chat join --operator` on the same machine.
 *
 * @example
 * ```ts ignore
 * const hash = await loadOrCreateOperatorKey("./chat-data"); // "9f86d0…"
 * ```
 */
export async function loadOrCreateOperatorKey(dataDir: string): Promise<string> {
  const path = join(dataDir, OPERATOR_FILE);
  let credential: string | undefined;
  try {
    credential = (await Deno.readTextFile(path)).trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (credential === undefined || credential === "") {
    credential = newCredential();
    await Deno.writeTextFile(path, credential + "\n", { mode: 0o600 });
    await Deno.chmod(path, 0o600);
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(credential));
  return hex(new Uint8Array(digest));
}

function newCredential(): string {
  return hex(crypto.getRandomValues(new Uint8Array(CREDENTIAL_BYTES)));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
