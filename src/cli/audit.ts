import { ChatError, describeEntry, sanitize } from "../client/mod.ts";
import type { ServerMessage } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";
import { addressArgument, PASSKEY_NOTE, toCliError } from "./credentials.ts";
import { connectForFiles } from "./login.ts";
import { OPERATOR_FLAGS, operatorRefused, readOperatorCredential } from "./operator.ts";

/** The most entries one `audit` request asks for (the protocol's page limit). */
const PAGE = 500;

const AUDIT_FLAGS = defineFlags({
  json: {
    kind: "boolean",
    help: "one JSON object per line: id, ts, by, action, and nick, room,\n" +
      "reason, until, detail where they apply",
  },
  limit: {
    kind: "integer",
    value: "N",
    min: 1,
    max: 100_000,
    default: 50,
    help: "the newest N entries (default 50)",
  },
  nick: { kind: "string", value: "NAME", help: "who asks (default: your user name)" },
  ...OPERATOR_FLAGS,
  ...CLIENT_TLS_FLAGS,
});

type AuditList = Extract<ServerMessage, { type: "audit_list" }>;

/** `chat audit`. */
export const audit: Command = defineCommand({
  name: "audit",
  usage: "HOST[:PORT] [--json] [--limit N] [--operator [--data-dir DIR]]",
  description: "Prints the server's audit log, newest first: who kicked, banned, muted, made " +
    "operators or changed rooms, when and why. Only operators may read it: the host with " +
    `--operator on the server's machine, or a nick the host made an operator. ${PASSKEY_NOTE}`,
  flags: AUDIT_FLAGS,
  helpColumn: 18,
  run: ({ flags, positional }) => printAudit(flags, positional),
});

async function printAudit(flags: Flags<typeof AUDIT_FLAGS>, positional: string[]): Promise<number> {
  if (positional.length > 1) {
    throw new CliError(`Unexpected argument "${positional[1]}".`, ExitCode.USAGE);
  }
  const address = addressArgument(positional[0], "audit");
  const operator = flags.operator ? await readOperatorCredential(flags["data-dir"]) : undefined;
  let client;
  try {
    client = await connectForFiles(address, {
      tls: tlsTrust(flags),
      nick: flags.nick,
      operator,
      command: "audit",
    });
    if (operator !== undefined && client.welcome.operator !== true) {
      throw operatorRefused(flags["data-dir"]);
    }
    let shown = 0;
    let before: number | undefined;
    for (;;) {
      const page: AuditList = await client.call({
        type: "audit",
        rid: client.rid(),
        before,
        limit: Math.min(PAGE, flags.limit - shown),
      }, "audit_list");
      for (const entry of page.entries) {
        console.log(
          flags.json
            ? JSON.stringify(entry)
            : `${String(entry.id).padStart(6)}  ${sanitize(describeEntry(entry))}`,
        );
      }
      shown += page.entries.length;
      if (shown === 0) console.error("The audit log is empty.");
      if (!page.more || page.entries.length === 0 || shown >= flags.limit) break;
      before = page.entries.at(-1)!.id;
    }
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof ChatError && error.code === "not_permitted") {
      throw new CliError(
        `${error.message.replace(/\.?$/, ".")} Only operators may read the audit log: on the ` +
          "server's machine, add --operator.",
      );
    }
    throw error instanceof ChatError ? toCliError(error) : error;
  } finally {
    client?.close();
  }
}
