import { format as formatBytes } from "@std/fmt/bytes";
import { ChatError, sanitize } from "../client/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";
import { addressArgument, toCliError } from "./credentials.ts";
import { connectForFiles } from "./login.ts";

const FILES_FLAGS = defineFlags({
  room: { kind: "string", value: "NAME", help: "the room (default lobby)" },
  with: {
    kind: "string",
    value: "NICK",
    help: "instead, the files shared only between you and NICK",
  },
  json: {
    kind: "boolean",
    help: "one JSON object per line: id, name, size, sha256, from, room, ts\n" +
      "(and to, for a file shared with one person)",
  },
  nick: { kind: "string", value: "NAME", help: "who asks (default: your user name)" },
  ...CLIENT_TLS_FLAGS,
});

/** `chat files`. */
export const files: Command = defineCommand({
  name: "files",
  usage: "HOST[:PORT] [--room ROOM|--with NICK] [--json]",
  description: "Lists the files shared in a room (default lobby), or between you and one " +
    "person (--with), newest last: id, name, size, who shared it, room and time.",
  flags: FILES_FLAGS,
  helpColumn: 18,
  run: ({ flags, positional }) => listFiles(flags, positional),
});

async function listFiles(flags: Flags<typeof FILES_FLAGS>, positional: string[]): Promise<number> {
  const address = addressArgument(positional[0], "files");
  const room = flags.room;
  if (room !== undefined && flags.with !== undefined) {
    throw new CliError("Give --room or --with, not both.", ExitCode.USAGE);
  }
  let client;
  try {
    client = await connectForFiles(address, { tls: tlsTrust(flags), nick: flags.nick, room });
    const list = await client.call({
      type: "files",
      rid: client.rid(),
      room,
      with: flags.with,
      limit: 500,
    }, "file_list");
    if (flags.json) {
      for (const file of list.files) console.log(JSON.stringify(file));
    } else if (list.files.length === 0) {
      console.error("No files have been shared yet.");
    } else {
      for (const file of list.files) {
        console.log(
          [
            String(file.id).padStart(6),
            formatBytes(file.size).padStart(10),
            file.ts.slice(0, 16).replace("T", " "),
            sanitize(file.to === undefined ? file.room : `to ${file.to}`).padEnd(12),
            sanitize(file.from).padEnd(12),
            sanitize(file.name),
          ].join("  "),
        );
      }
    }
    return ExitCode.OK;
  } catch (error) {
    throw error instanceof ChatError ? toCliError(error) : error;
  } finally {
    client?.close();
  }
}
