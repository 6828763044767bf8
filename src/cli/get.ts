import { format as formatBytes } from "@std/fmt/bytes";
import {
  ChatError,
  downloadFile,
  type DownloadTarget,
  ProgressBar,
  sanitize,
} from "../client/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";
import { addressArgument, toCliError } from "./credentials.ts";
import { connectForFiles } from "./login.ts";
import { withRetries } from "./retry.ts";

const GET_FLAGS = defineFlags({
  output: {
    kind: "string",
    alias: "o",
    value: "PATH",
    help: 'save there (a directory, or a file name); "-" writes the\n' +
      "bytes to stdout and nothing else",
  },
  force: { kind: "boolean", help: "overwrite an existing file" },
  room: { kind: "string", value: "NAME", help: "the room the file was shared in (default lobby)" },
  nick: { kind: "string", value: "NAME", help: "who asks (default: your user name)" },
  ...CLIENT_TLS_FLAGS,
});

/** `chat get`. */
export const get: Command = defineCommand({
  name: "get",
  usage: "HOST[:PORT] ID [-o PATH|-] [--force] [--room ROOM]",
  description: "Downloads shared file ID and checks its SHA-256. Without -o it is saved in the " +
    "current directory under its own (made safe) name; an existing file is never overwritten: " +
    '"name (1).ext" is used instead, unless --force. An interrupted download continues where ' +
    "it stopped when run again. Prints the saved path.",
  flags: GET_FLAGS,
  helpColumn: 22,
  run: ({ flags, positional }) => runGet(flags, positional),
});

async function runGet(flags: Flags<typeof GET_FLAGS>, positional: string[]): Promise<number> {
  const address = addressArgument(positional[0], "get");
  const id = Number(positional[1]);
  if (positional[1] === undefined || !Number.isSafeInteger(id) || id < 1) {
    throw new CliError(
      `Give the id of the file to get, such as "chat get ${positional[0]} 12".`,
      ExitCode.USAGE,
    );
  }
  if (positional.length > 2) {
    throw new CliError(`Unexpected argument "${positional[2]}".`, ExitCode.USAGE);
  }
  const target = await targetFor(flags.output);
  const room = flags.room;
  const tls = tlsTrust(flags);
  let bar: ProgressBar | undefined;
  let connected = false;
  try {
    const { path, file } = await withRetries(async () => {
      const client = await connectForFiles(address, { tls, nick: flags.nick, room });
      connected = true;
      try {
        return await downloadFile(client, id, target, {
          force: flags.force,
          onStart: (file, offset) => {
            bar?.clear();
            if (offset > 0) console.error(`Resuming at ${offset} bytes (${formatBytes(offset)}).`);
            bar = new ProgressBar(sanitize(file.name).slice(0, 30), {
              total: file.size,
              start: offset,
              enabled: Deno.stderr.isTerminal(),
            });
          },
          onProgress: (bytes) => bar?.update(bytes),
        });
      } catch (error) {
        bar?.clear();
        throw error;
      } finally {
        client.close();
      }
      // Bytes already written to stdout cannot be taken back: only files resume.
    }, { resumable: () => connected && target.kind !== "stream" });
    bar?.done();
    if (path !== undefined) {
      console.error(`Saved ${sanitize(file.name)} (${formatBytes(file.size)}, SHA-256 verified).`);
      console.log(path);
    }
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof ChatError && error.code === "no_such_file") {
      throw new CliError(notFound(id, { room, nick: flags.nick }));
    }
    throw error instanceof ChatError ? toCliError(error) : error;
  }
}

/**
 * Why file `id` could not be had, as one sentence: the server says only that there is none this
 * connection may fetch, which is also the answer for a room not joined and for a file shared
 * privately with someone else's nick.
 */
function notFound(id: number, asked: { room?: string; nick?: string }): string {
  const where = asked.room === undefined ? "in the lobby" : `in ${asked.room}`;
  const hints = [
    ...asked.room === undefined ? ["if it was shared in another room, add --room ROOM"] : [],
    ...asked.nick === undefined ? ["if it was shared with you alone, add --nick YOUR_NICK"] : [],
  ];
  return `There is no file ${id} ${where} or shared with you` +
    (hints.length === 0 ? "." : `; ${hints.join(", and ")}.`);
}

async function targetFor(output: string | undefined): Promise<DownloadTarget> {
  if (output === "-") return { kind: "stream", writable: Deno.stdout.writable };
  if (output === undefined) return { kind: "directory", path: Deno.cwd() };
  try {
    if ((await Deno.stat(output)).isDirectory) return { kind: "directory", path: output };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      throw new CliError(`Cannot use ${output}: ${(error as Error).message}.`);
    }
  }
  return { kind: "file", path: output };
}
