import * as colors from "@std/fmt/colors";
import {
  ChatError,
  failoverDialer,
  fetchFile,
  formatAddress,
  parseAddress,
  ReconnectingClient,
} from "../client/mod.ts";
import { parseInviteLink } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { CLIENT_TLS_FLAGS, tlsTrust } from "./tls_trust.ts";
import {
  addressesArgument,
  askNick,
  CLI_CLIENT_NAME,
  defaultNick,
  PASSKEY_NOTE,
  toCliError,
} from "./credentials.ts";
import { discoverServerToJoin } from "./join_discovered.ts";
import { runLineMode } from "./join_lines.ts";
import { runTerminal } from "./join_terminal.ts";
import { EventSink, track } from "./join_context.ts";
import { Login } from "./login.ts";
import { OPERATOR_FLAGS, operatorRefused, readOperatorCredential } from "./operator.ts";

const JOIN_FLAGS = defineFlags({
  nick: {
    kind: "string",
    value: "NAME",
    help: "your nick (asked for on a terminal; else your user name)",
  },
  room: { kind: "string", value: "NAME", help: "room to start in (default lobby)" },
  json: { kind: "boolean", help: "print events as JSON Lines, one object per line" },
  "auto-download": {
    kind: "string",
    value: "DIR",
    help: "save every file shared in the room from now on into DIR",
  },
  link: {
    kind: "string",
    value: "CODE",
    help:
      "a link code shown on a device of yours that is in already:\nthis machine becomes one of yours, with your nicks",
  },
  reconnect: {
    kind: "boolean",
    default: true,
    negatable: true,
    help: "stop at a lost connection instead of reconnecting",
  },
  bell: {
    kind: "boolean",
    negatable: true,
    help: "ring the terminal bell when you are mentioned (@nick) or get a\n" +
      "private message (default: on when output is a terminal)",
  },
  ...OPERATOR_FLAGS,
  ...CLIENT_TLS_FLAGS,
});

/** `chat join`. */
export const join: Command = defineCommand({
  name: "join",
  usage: "[HOST[:PORT][,HOST[:PORT]…]|LINK] [options]",
  description: "Joins the chat server at HOST (port 7777 unless given), or the one an invite " +
    "link names. Without either, it looks for servers on the network as chat discover does " +
    "and joins the one it finds; of several, it asks which on a terminal, and in a script " +
    `fails with their list. ${PASSKEY_NOTE} A machine that joined once is remembered and ` +
    "comes back without the passkey. Several addresses, separated by commas, are the nodes " +
    "of one cluster (chat serve --nats): when one goes away, chat join goes on through another.",
  flags: JOIN_FLAGS,
  helpColumn: 18,
  epilogue: "On a terminal, type /help for commands. With standard input piped, every line " +
    "is sent (commands work too) and chat join exits once all are acknowledged.",
  run: ({ flags, positional }) => runJoin(flags, positional),
});

async function runJoin(flags: Flags<typeof JOIN_FLAGS>, positional: string[]): Promise<number> {
  if (positional.length > 1) {
    throw new CliError(`Unexpected argument "${positional[1]}".`, ExitCode.USAGE);
  }
  const json = flags.json;
  const interactive = Deno.stdin.isTerminal();
  const terminalUi = interactive && Deno.stdout.isTerminal() && !json;
  // An invite link names the server, the invite and, under TLS, the certificate to expect.
  const link = positional[0] === undefined ? undefined : parseInviteLink(positional[0]);
  const found = positional[0] === undefined ? await discoverServerToJoin(interactive) : undefined;
  // Several addresses are the nodes of one cluster: the first names it, the others stand in.
  const nodes = found !== undefined
    ? [{ hostname: found.addresses[0], port: found.chatPort }]
    : link === undefined
    ? addressesArgument(positional[0], "join")
    : [{ hostname: link.hostname, port: link.chatPort }];
  const address = nodes[0];
  colors.setColorEnabled(terminalUi && !Deno.noColor);

  const operator = flags.operator ? await readOperatorCredential(flags["data-dir"]) : undefined;
  let nick = flags.nick ?? (interactive ? askNick() : defaultNick());
  const login = new Login(formatAddress(address), {
    nick,
    invite: link?.token,
    link: flags.link,
    interactive,
    command: "join",
  });
  await login.credentials();

  const autoDownload = flags["auto-download"] === undefined
    ? undefined
    : await downloadDir(flags["auto-download"]);
  // An announced fingerprint is not trusted as a link's is: anyone on the LAN can announce one.
  const tls = tlsTrust(
    link?.tls
      ? { tls: true, fingerprint: flags.fingerprint ?? link.fingerprint }
      : { tls: flags.tls || found?.fingerprint !== undefined, fingerprint: flags.fingerprint },
  );
  const sink = new EventSink();
  const background = new Set<Promise<unknown>>();
  let client: ReconnectingClient | undefined;
  const announced: number[] = [];
  const fetchAnnounced = () => {
    for (const id of announced.splice(0)) {
      const live = client?.current;
      if (live !== undefined) track(background, fetchFile(live, id, autoDownload!), sink);
    }
  };
  for (;;) {
    try {
      client = await ReconnectingClient.connect({
        // The nodes given, and those a cluster's welcome names: where to go when one goes away.
        open: failoverDialer(nodes, { tls }),
        clientName: CLI_CLIENT_NAME,
        nick,
        ...await login.credentials(),
        onDevice: (device) => login.remember(device),
        room: flags.room,
        operator,
        reconnect: flags.reconnect,
        // Giving up ends chat join, whose closing line on stderr says why; on a terminal or in
        // plain output that is enough, while --json readers also get it as an event.
        onStatus: (status) => {
          if (status.state !== "gave_up") {
            sink.local({ type: "system", event: status.state, text: status.text });
          } else if (json) {
            sink.local({ type: "error", event: status.state, text: status.text });
          }
        },
        onMessage: (message) => {
          // The person's new nick comes back with their device too.
          if (message.type === "nick_ok") login.remember(undefined, message.nick);
          if (message.type === "welcome") learnNodes(nodes, message.nodes ?? []);
          sink.receive(message);
          if (
            autoDownload !== undefined && message.type === "file" && !message.history &&
            message.from !== client?.nick
          ) {
            announced.push(message.id);
            if (client !== undefined) fetchAnnounced();
          }
        },
      });
      break;
    } catch (error) {
      if (!(error instanceof ChatError)) throw error;
      if (operator !== undefined && error.code === "not_permitted") {
        throw operatorRefused(flags["data-dir"]);
      }
      if (login.refused(error)) continue;
      if (
        interactive &&
        (error.code === "nick_taken" || error.code === "nick_invalid" ||
          error.code === "nick_owned")
      ) {
        console.error(colors.red(error.message));
        nick = askNick();
        login.setNick(nick);
      } else {
        throw toCliError(error);
      }
    }
  }
  if (operator !== undefined && client.current?.welcome.operator !== true) {
    await client.quit();
    throw operatorRefused(flags["data-dir"]);
  }
  fetchAnnounced();
  const bell = flags.bell ?? Deno.stdout.isTerminal();
  const context = { client, sink, json, background, bell };
  return terminalUi ? await runTerminal(context) : await runLineMode(context);
}

async function downloadDir(path: string): Promise<string> {
  try {
    await Deno.mkdir(path, { recursive: true });
    return path;
  } catch (error) {
    throw new CliError(`Cannot use ${path} for downloads: ${(error as Error).message}.`);
  }
}

/**
 * Adds the nodes a cluster's `welcome` names to those `chat join` dials (once each; an address
 * that does not parse is left out: it names nothing this client could reach).
 */
export function learnNodes(
  nodes: { hostname: string; port: number }[],
  named: readonly { chat: string }[],
): void {
  for (const { chat } of named) {
    let address: { hostname: string; port: number };
    try {
      address = parseAddress(chat);
    } catch {
      continue;
    }
    const known = nodes.some((node) =>
      node.hostname === address.hostname && node.port === address.port
    );
    if (!known) nodes.push(address);
  }
}
