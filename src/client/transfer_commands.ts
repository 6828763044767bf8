import { format as formatBytes } from "@std/fmt/bytes";
import type { FileInfo } from "../protocol/mod.ts";
import { incrementalSha256 } from "../util/mod.ts";
import type { ChatClient } from "./chat_client.ts";
import { ChatError } from "./chat_error.ts";
import { downloadFile } from "./file_download.ts";
import { fileSource } from "./file_source.ts";
import { uploadFile } from "./file_upload.ts";
import { type InputOptions, NOT_CONNECTED } from "./execute_input.ts";
import type { ReconnectingClient } from "./reconnecting_client.ts";
import { sanitize } from "./sanitize.ts";

/**
 * The file commands of `chat join`: `/file PATH` shares a file from disk, `/get ID [DIR]` saves
 * one into a directory (the current one by default); both run in the background.
 *
 * @example
 * ```ts ignore
 * executeInput(client, parseInput("/get 12"), { cursor, ...terminalFileCommands(client) });
 * ```
 */
export function terminalFileCommands(
  client: ReconnectingClient,
): Pick<InputOptions, "upload" | "get"> {
  return {
    upload(path, to) {
      if (path === undefined) return { kind: "invalid", message: "Usage: /file PATH" };
      const live = client.current;
      return live === undefined
        ? NOT_CONNECTED
        : { kind: "transfer", done: shareFile(live, path, { to }).then(() => undefined) };
    },
    get(id, dir) {
      const live = client.current;
      return live === undefined
        ? NOT_CONNECTED
        : { kind: "transfer", done: fetchFile(live, id, dir ?? ".") };
    },
  };
}

/**
 * `/file PATH` in `chat join`: shares a local file with the current room, or with one person
 * (`to`, in a `/query`). The room (or that person) sees the `file` event; this client sees
 * `upload_done`. Rejects with a {@linkcode ChatError} whose message is one sentence.
 */
export async function shareFile(
  client: ChatClient,
  path: string,
  options: { to?: string } = {},
): Promise<{ id: number; file: FileInfo }> {
  let source;
  try {
    source = await fileSource(path);
  } catch (error) {
    throw new ChatError(
      "local_file",
      `Cannot read ${path}: ${fileErrorReason(error)}; nothing was sent.`,
    );
  }
  return await uploadFile(client, source, { createHash: incrementalSha256, to: options.to });
}

/**
 * `/get ID [DIR]` in `chat join` and `--auto-download`: saves file `id` into `dir`, verified.
 * Resolves with a line that says where it went.
 */
export async function fetchFile(client: ChatClient, id: number, dir: string): Promise<string> {
  try {
    const { path, file } = await downloadFile(client, id, { kind: "directory", path: dir });
    return `Saved file ${id} as ${sanitize(path!)} (${formatBytes(file.size)}, SHA-256 verified).`;
  } catch (error) {
    if (error instanceof ChatError) throw error;
    throw new ChatError(
      "local_file",
      `Cannot save file ${id} in ${dir}: ${fileErrorReason(error)}.`,
    );
  }
}

/** Why a local file operation failed, as the end of a sentence: "no such file or directory". */
export function fileErrorReason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file or directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}
