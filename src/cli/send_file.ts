import { format as formatBytes } from "@std/fmt/bytes";
import {
  ChatError,
  fileErrorReason,
  fileSource,
  ProgressBar,
  uploadFile,
  type UploadSource,
} from "../client/mod.ts";
import { incrementalSha256 } from "../util/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";
import { addressArgument, PASSKEY_NOTE, toCliError } from "./credentials.ts";
import { connectForFiles } from "./login.ts";
import { withRetries } from "./retry.ts";

const SEND_FILE_FLAGS = defineFlags({
  name: {
    kind: "string",
    value: "NAME",
    help: `the name others see (default: the file's name; "stdin" for a pipe)`,
  },
  room: { kind: "string", value: "NAME", help: "the room to share it in (default lobby)" },
  to: {
    kind: "string",
    value: "NICK",
    help: "share it with NICK only: only the two of you can list or get it",
  },
  nick: { kind: "string", value: "NAME", help: "who shares it (default: your user name)" },
  ...CLIENT_TLS_FLAGS,
});

/** `chat send-file`. */
export const sendFile: Command = defineCommand({
  name: "send-file",
  usage: "HOST[:PORT] [PATH|-] [options]",
  description: "Shares a file with a room, or with one person (--to). Reads standard input " +
    `when PATH is "-" or left out with input piped. Prints the new file's id as the last line ` +
    "on stdout. A file (not a pipe) that was interrupted continues where it stopped when " +
    "sent again.",
  flags: SEND_FILE_FLAGS,
  helpColumn: 18,
  epilogue: PASSKEY_NOTE,
  run: ({ flags, positional }) => runSendFile(flags, positional),
});

async function runSendFile(
  flags: Flags<typeof SEND_FILE_FLAGS>,
  positional: string[],
): Promise<number> {
  if (positional.length > 2) {
    throw new CliError(`Unexpected argument "${positional[2]}".`, ExitCode.USAGE);
  }
  const address = addressArgument(positional[0], "send-file");
  const path = positional[1] ?? (Deno.stdin.isTerminal() ? undefined : "-");
  if (path === undefined) {
    throw new CliError("Give a file to send, or pipe one in with -.", ExitCode.USAGE);
  }
  const showProgress = Deno.stderr.isTerminal();

  if (path !== "-") await checkReadable(path);
  const tls = tlsTrust(flags);
  const connect = () => connectForFiles(address, { tls, nick: flags.nick, room: flags.room });
  let source: UploadSource | undefined;
  let connected = false;
  try {
    const { id, file } = await withRetries(async () => {
      const client = await connect();
      connected = true;
      try {
        source ??= await openSource(path, flags.name, showProgress);
        const bar = new ProgressBar(displayName(source.name), {
          total: source.size,
          enabled: showProgress,
        });
        const shared = await uploadFile(client, source, {
          createHash: incrementalSha256,
          onResume: (offset) => {
            bar.clear();
            console.error(
              `Resuming at ${offset} bytes (${formatBytes(offset)} already on the server).`,
            );
          },
          onProgress: (bytes) => bar.update(bytes),
          to: flags.to,
        });
        bar.done();
        return shared;
      } finally {
        client.close();
      }
    }, { resumable: () => connected && path !== "-" });
    const withWhom = flags.to === undefined ? "" : ` with ${flags.to} only`;
    console.error(`Shared ${file.name} (${formatBytes(file.size)})${withWhom} as file ${id}.`);
    console.log(String(id));
    return ExitCode.OK;
  } catch (error) {
    throw error instanceof ChatError ? toCliError(error) : error;
  }
}

/** Standard input, or a file hashed first so the upload can resume. */
async function openSource(
  path: string,
  name: string | undefined,
  showProgress: boolean,
): Promise<UploadSource> {
  if (path === "-") {
    return {
      name: name ?? "stdin",
      open: () =>
        Promise.resolve({
          read: (buffer: Uint8Array) => Deno.stdin.read(buffer),
          // Standard input stays open: it is not ours to close.
          close() {},
        }),
    };
  }
  const hashing = new ProgressBar("checking", { enabled: showProgress });
  const source = await fileSource(path, { name, onHashProgress: (bytes) => hashing.update(bytes) });
  hashing.clear();
  return source;
}

async function checkReadable(path: string): Promise<void> {
  try {
    const info = await Deno.stat(path);
    if (!info.isFile) throw new CliError(`${path} is not a file; nothing was sent.`);
    (await Deno.open(path)).close();
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot read ${path}: ${fileErrorReason(error)}; nothing was sent.`);
  }
}

function displayName(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? name;
  return last.length > 30 ? `${last.slice(0, 29)}…` : last;
}
