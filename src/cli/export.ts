import { join } from "@std/path";
import { ChatError, formatAddress } from "../client/mod.ts";
import { errorReason } from "../util/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { addressArgument, toCliError } from "./credentials.ts";
import { DataDirSource } from "./export/data_dir_source.ts";
import type { ExportedEvent, ExportSource, Selection } from "./export/exported_event.ts";
import { HostSource } from "./export/host_source.ts";
import { writeHtmlExport } from "./export/write_html.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";

const EXPORT_FLAGS = defineFlags({
  "data-dir": {
    kind: "string",
    value: "DIR",
    help: "instead of a server, read the data dir of a server on this\n" +
      "machine (read-only; it may keep running): every room and\n" +
      "every private conversation",
  },
  room: { kind: "string", value: "NAME", help: "only this room (no private conversations)" },
  since: {
    kind: "string",
    value: "DATE",
    help: "only events from then on: 2026-11-21 (midnight UTC) or\n2026-11-21T09:30:00Z",
  },
  format: {
    kind: "string",
    value: "FORMAT",
    help: "jsonl: one event per line, every field as stored or sent;\n" +
      "html: a folder with one page per room and conversation, and\n" +
      "the shared files beside them",
  },
  output: {
    kind: "string",
    alias: "o",
    value: "PATH",
    help: "jsonl: the file to write (default, or -: stdout);\n" +
      "html: the folder to write into (created if missing)",
  },
  nick: { kind: "string", value: "NAME", help: "who logs in to HOST (default: your user name)" },
  ...CLIENT_TLS_FLAGS,
});

/** `chat export`. */
export const exportHistory: Command = defineCommand({
  name: "export",
  usage: "HOST[:PORT]|--data-dir DIR [--room R] [--since DATE] --format jsonl|html -o PATH",
  description: "Exports history: through HOST, what you may read there, logged in as you " +
    "(the rooms you follow or that have people in them, and your private conversations); with " +
    "--data-dir, everything the server holds, for its host. JSON Lines for programs, or HTML " +
    "pages for people that open offline.",
  flags: EXPORT_FLAGS,
  helpColumn: 22,
  run: ({ flags, positional }) => runExport(flags, positional),
});

type ExportFlags = Flags<typeof EXPORT_FLAGS>;

async function runExport(flags: ExportFlags, positional: string[]): Promise<number> {
  const format = flags.format;
  if (format !== "jsonl" && format !== "html") {
    throw new CliError(
      format === undefined
        ? "Give --format jsonl (for programs) or --format html (for people)."
        : `--format must be jsonl or html, not "${format}".`,
      ExitCode.USAGE,
    );
  }
  if (format === "html" && (flags.output === undefined || flags.output === "-")) {
    throw new CliError("Give -o DIR: the folder the HTML pages and files go into.", ExitCode.USAGE);
  }
  const dataDir = flags["data-dir"];
  if (dataDir !== undefined && positional.length > 0) {
    throw new CliError("Give a server or --data-dir, not both.", ExitCode.USAGE);
  }
  if (positional.length > 1) {
    throw new CliError(`Unexpected argument "${positional[1]}".`, ExitCode.USAGE);
  }
  const selection: Selection = { room: flags.room, since: sinceValue(flags.since) };
  try {
    await using source = dataDir === undefined
      ? await openHost(flags, positional[0])
      : openDataDir(dataDir);
    const events = await source.events(selection);
    const label = dataDir ?? positional[0];
    if (format === "jsonl") {
      await writeJsonLines(events, flags.output);
      console.error(`Exported ${events.length} events from ${label}.`);
    } else {
      const title = `Chat history from ${label}` +
        (flags.room === undefined ? "" : `, #${flags.room}`);
      const written = await writeHtmlExport(flags.output!, { title, events, source });
      for (const missing of written.missing) console.error(`Not exported: ${missing}.`);
      console.error(
        `Exported ${events.length} events in ${plural(written.pages, "page")} and ` +
          `${plural(written.files, "file")} ` +
          `to ${join(flags.output!, "index.html")}.`,
      );
    }
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof ChatError) throw toCliError(error);
    if (error instanceof CliError) throw error;
    throw new CliError(`Could not export: ${errorReason(error)}.`);
  }
}

async function openHost(flags: ExportFlags, where: string | undefined): Promise<ExportSource> {
  const address = addressArgument(where, "export");
  try {
    return await HostSource.open(address, {
      nick: flags.nick,
      room: flags.room,
      tls: tlsTrust(flags),
    });
  } catch (error) {
    if (error instanceof ChatError) throw toCliError(error);
    throw new CliError(`Could not export from ${formatAddress(address)}: ${errorReason(error)}.`);
  }
}

function openDataDir(dataDir: string): ExportSource {
  try {
    Deno.statSync(join(dataDir, "chat.db"));
  } catch {
    throw new CliError(`There is no chat history in ${dataDir}; check --data-dir.`);
  }
  try {
    return new DataDirSource(dataDir);
  } catch (error) {
    throw new CliError(errorReason(error));
  }
}

/** `1 page`, `2 pages`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** `--since` in milliseconds since the epoch. */
function sinceValue(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())
    ? Date.parse(text.trim().replace(" ", "T"))
    : NaN;
  if (Number.isNaN(ms)) {
    throw new CliError(
      `--since must be a date such as 2026-11-21 or 2026-11-21T09:30:00Z, not "${text}".`,
      ExitCode.USAGE,
    );
  }
  return ms;
}

/** One event per line, to `output` or to stdout. */
async function writeJsonLines(events: ExportedEvent[], output: string | undefined): Promise<void> {
  const toStdout = output === undefined || output === "-";
  const file = toStdout
    ? undefined
    : await Deno.open(output, { write: true, create: true, truncate: true });
  const writer = (file?.writable ?? Deno.stdout.writable).getWriter();
  const encoder = new TextEncoder();
  try {
    let chunk = "";
    for (const event of events) {
      chunk += `${JSON.stringify(event)}\n`;
      if (chunk.length > 65536) {
        await writer.write(encoder.encode(chunk));
        chunk = "";
      }
    }
    if (chunk !== "") await writer.write(encoder.encode(chunk));
  } finally {
    if (toStdout) writer.releaseLock();
    else await writer.close();
  }
}
