import { format as formatBytes } from "@std/fmt/bytes";
import { ChatError, sanitize } from "../client/mod.ts";
import { parseFlags } from "./args.ts";
import { ExitCode } from "./cli_error.ts";
import { tlsTrust } from "./tls_trust.ts";
import { addressArgument, connectForFiles, toCliError } from "./credentials.ts";

const USAGE = `Usage: chat files HOST[:PORT] [--room ROOM] [--json]

Lists the files shared in a room (default lobby), newest last: id, name, size, who
shared it, room and time.

Options:
  --room NAME     the room (default lobby)
  --json          one JSON object per line: id, name, size, sha256, from, room, ts
  --nick NAME     who asks (default: your user name)
  --tls           connect with TLS (also implied by --fingerprint)
  --fingerprint FP
                  the server certificate's SHA-256 fingerprint, as chat serve printed it
  -h, --help      this help`;

/** `chat files`. */
export async function files(args: string[]): Promise<number> {
  const { flags, positional } = parseFlags("files", args, {
    string: ["room", "nick", "fingerprint"],
    boolean: ["json", "tls"],
  });
  if (flags.help) {
    console.log(USAGE);
    return ExitCode.OK;
  }
  const address = addressArgument(positional[0], "files");
  const room = typeof flags.room === "string" ? flags.room : undefined;
  let client;
  try {
    client = await connectForFiles(address, {
      tls: tlsTrust(flags),
      nick: typeof flags.nick === "string" ? flags.nick : undefined,
      room,
    });
    const list = await client.call({
      type: "files",
      rid: client.rid(),
      room,
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
            sanitize(file.room).padEnd(12),
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
