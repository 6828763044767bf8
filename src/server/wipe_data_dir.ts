import { join } from "@std/path";
import { type Removed, wipeHistory } from "../chat/mod.ts";
import {
  DiskBlobStore,
  SqliteHistoryStore,
  SqliteReadMarkerStore,
  SqliteSessionStore,
} from "../store/mod.ts";

/**
 * Empties the history of the data dir `dataDir` before a server starts on it: every event and
 * shared file, interrupted uploads, read markers and resumable sessions, deleted for good (the
 * stores overwrite what they delete). What lets people and the host in stays: the passkey, the TLS
 * certificate and any other file of the data dir, and in `chat.db` the devices, owned nicks,
 * invites and link codes, so everyone stays signed in and keeps their nick.
 *
 * @example
 * ```ts
 * import { wipeDataDir } from "./wipe_data_dir.ts";
 * const dir = await Deno.makeTempDir();
 * await wipeDataDir(dir); // { events: 0, files: 0 }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function wipeDataDir(dataDir: string): Promise<Removed> {
  const database = join(dataDir, "chat.db");
  const history = SqliteHistoryStore.open(database);
  const readMarkers = SqliteReadMarkerStore.open(database);
  const sessions = SqliteSessionStore.open(database);
  try {
    const blobs = await DiskBlobStore.open(join(dataDir, "files"));
    return await wipeHistory({ history, blobs, readMarkers, sessions });
  } finally {
    await Promise.all([history.close(), readMarkers.close(), sessions.close()]);
  }
}
