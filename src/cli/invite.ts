import { renderUnicodeCompact } from "uqr";
import { ChatError } from "../client/mod.ts";
import { formatInviteLink } from "../protocol/mod.ts";
import { formatDuration } from "../util/mod.ts";
import { ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";
import { addressArgument, PASSKEY_NOTE, toCliError } from "./credentials.ts";
import { connectForFiles } from "./login.ts";

const INVITE_FLAGS = defineFlags({
  ttl: {
    kind: "duration",
    value: "TIME",
    help: "how long it lets people in, such as 2h (default: the\nserver's, 24h unless set)",
  },
  json: { kind: "boolean", help: "print one JSON object: link, token, expires" },
  qr: { kind: "boolean", default: true, negatable: true, help: "do not draw the QR code" },
  nick: { kind: "string", value: "NAME", help: "who asks (default: your user name)" },
  ...CLIENT_TLS_FLAGS,
});

/** `chat invite`. */
export const invite: Command = defineCommand({
  name: "invite",
  usage: "HOST[:PORT] [--ttl 2h] [--json]",
  description: "Makes an invite link for a running server: opened in a browser, it lets a " +
    "person in after asking only a nick; `chat join LINK` takes it too. Prints the link and " +
    `its QR code. ${PASSKEY_NOTE}`,
  flags: INVITE_FLAGS,
  helpColumn: 18,
  run: ({ flags, positional }) => makeInvite(flags, positional),
});

async function makeInvite(
  flags: Flags<typeof INVITE_FLAGS>,
  positional: string[],
): Promise<number> {
  const address = addressArgument(positional[0], "invite");
  let client;
  try {
    client = await connectForFiles(address, { tls: tlsTrust(flags), nick: flags.nick });
    const created = await client.call({
      type: "invite",
      rid: client.rid(),
      ...(flags.ttl === undefined ? {} : { ttl_s: Math.round(flags.ttl / 1000) }),
    }, "invite_created");
    const expires = Date.parse(created.expires);
    // The web client's address on the host this machine reached the server by.
    const link = created.web_port === undefined ? undefined : formatInviteLink({
      hostname: address.hostname,
      webPort: created.web_port,
      chatPort: created.chat_port,
      token: created.token,
      tls: created.tls,
      fingerprint: created.fingerprint,
    });
    if (flags.json) {
      console.log(JSON.stringify({ link, token: created.token, expires: created.expires }));
    } else if (link === undefined) {
      console.log(
        `Invite token: ${created.token} (the server has no web client; valid until ` +
          `${created.expires})`,
      );
    } else {
      const valid = formatDuration(
        Math.max(60_000, Math.round((expires - Date.now()) / 60_000) * 60_000),
      );
      console.log(`Invite link, valid for ${valid}:\n  ${link}`);
      if (flags.qr) console.log(renderUnicodeCompact(link, { border: 1 }));
    }
    return ExitCode.OK;
  } catch (error) {
    throw error instanceof ChatError ? toCliError(error) : error;
  } finally {
    client?.close();
  }
}
