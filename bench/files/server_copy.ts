/**
 * The server's copy of a shared file, checked independently of whoever uploaded it: the SHA-256
 * and size the server lists for the file (what it computed from the bytes it received), and the
 * SHA-256 of the stored blob read back from its data dir (the bytes it would serve). A page that
 * read the file wrongly would have hashed the wrong bytes too, and the server would have
 * accepted them; only a comparison with the source's own SHA-256 catches that.
 *
 * @module
 */
import { join } from "@std/path";
import { ChatClient, dialer, hashFile } from "../../src/client/mod.ts";

/** What the server holds for one file. */
export interface ServerCopy {
  /** SHA-256 and size in the server's file list. */
  listed: { sha256: string; size: number };
  /** SHA-256 of the blob file in the data dir, read back now. */
  storedSha256: string;
}

/**
 * Asks the server on 127.0.0.1:`port` for file `id` of the lobby (a files-only connection) and
 * hashes its blob in `dataDir`.
 */
export async function serverCopy(
  id: number,
  options: { port: number; passkey: string; dataDir: string },
): Promise<ServerCopy> {
  const client = await ChatClient.connect({
    open: dialer({ hostname: "127.0.0.1", port: options.port }),
    clientName: "chat-bench",
    nick: "bench-check",
    passkey: options.passkey,
    room: "lobby",
    presence: false,
    onMessage() {},
  });
  let listed: { sha256: string; size: number } | undefined;
  try {
    const list = await client.call(
      { type: "files", rid: client.rid(), room: "lobby", limit: 500 },
      "file_list",
    );
    listed = list.files.find((file) => file.id === id);
  } finally {
    client.close();
    await client.closed.catch(() => {});
  }
  if (listed === undefined) throw new Error(`The server does not list file ${id}.`);
  const blob = join(options.dataDir, "files", "blobs", listed.sha256);
  return {
    listed: { sha256: listed.sha256, size: listed.size },
    storedSha256: await hashFile(blob),
  };
}
