import { join } from "@std/path";
import { generatePasskey } from "../chat/mod.ts";

/** Where the passkey came from, for the start-up banner. */
export type PasskeySource = "flag" | "env" | "file" | "generated";

/**
 * Returns the passkey stored in `dataDir/passkey`, generating and storing one (mode 0600) when
 * there is none or when `rotate` is set.
 */
export async function loadOrCreatePasskey(
  dataDir: string,
  options: { rotate?: boolean } = {},
): Promise<{ passkey: string; source: PasskeySource }> {
  const path = join(dataDir, "passkey");
  if (!options.rotate) {
    try {
      const stored = (await Deno.readTextFile(path)).trim();
      if (stored !== "") return { passkey: stored, source: "file" };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const passkey = generatePasskey();
  await Deno.writeTextFile(path, passkey + "\n", { mode: 0o600 });
  // writeTextFile applies the mode only on creation; a rotated file must be narrowed too.
  await Deno.chmod(path, 0o600);
  return { passkey, source: "generated" };
}
