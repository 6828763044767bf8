import { ChatError, type DiscoveredServer, discoverServers, sanitize } from "../client/mod.ts";
import { PROTOCOL_VERSION } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { type Command, defineCommand } from "./command.ts";
import { defineFlags, type Flags } from "./flags/mod.ts";
import { toCliError } from "./credentials.ts";

/** How long `chat discover` and `chat join` without an address listen for servers, in seconds. */
export const DISCOVER_SECONDS = 2;

const DISCOVER_FLAGS = defineFlags({
  json: {
    kind: "boolean",
    help: "one JSON object per line: name, addresses, chat_port,\nweb_port, fingerprint, version",
  },
  timeout: {
    kind: "integer",
    value: "S",
    min: 1,
    max: 60,
    default: DISCOVER_SECONDS,
    help: `seconds to wait for answers (default ${DISCOVER_SECONDS})`,
  },
});

/** `chat discover`. */
export const discover: Command = defineCommand({
  name: "discover",
  usage: "[--json] [--timeout S]",
  description: "Lists the chat servers on the network that answer within the timeout: name, " +
    "addresses, chat port, web port and TLS fingerprint. Servers announce themselves unless " +
    "started with --no-announce. What they announce is not authenticated: a fingerprint found " +
    "this way is shown, not trusted.",
  flags: DISCOVER_FLAGS,
  helpColumn: 18,
  epilogue: "Exits with 1 when no server answered.",
  run: ({ flags, positional }) => runDiscover(flags, positional),
});

async function runDiscover(
  flags: Flags<typeof DISCOVER_FLAGS>,
  positional: string[],
): Promise<number> {
  if (positional.length > 0) {
    throw new CliError(`Unexpected argument "${positional[0]}".`, ExitCode.USAGE);
  }
  const servers = await findServers(flags.timeout);
  if (flags.json) {
    for (const server of servers) console.log(JSON.stringify(serverJson(server)));
  } else {
    const width = Math.max(...servers.map((server) => sanitize(server.name).length));
    for (const server of servers) console.log(serverLine(server, width));
  }
  return ExitCode.OK;
}

/**
 * The servers that answer within `seconds`; a {@linkcode CliError} when none does (its sentence
 * ending with `advice`) or the network cannot be asked.
 */
export async function findServers(
  seconds: number,
  advice = "check that one is running there, and not with --no-announce",
): Promise<DiscoveredServer[]> {
  let servers;
  try {
    servers = await discoverServers({ timeoutMs: seconds * 1000 });
  } catch (error) {
    throw error instanceof ChatError ? toCliError(error) : error;
  }
  if (servers.length === 0) {
    throw new CliError(`No chat server answered on the network within ${seconds} s; ${advice}.`);
  }
  return servers;
}

/**
 * One server as a line: its name (padded to `width`), addresses, ports and TLS fingerprint.
 *
 * @example
 * ```ts
 * import { serverLine } from "./discover.ts";
 * serverLine({ name: "Lab", addresses: ["10.0.0.5"], chatPort: 7777, webPort: 7778, version: 1,
 *   host: "chat-1.local" }, 8);
 * // "Lab       10.0.0.5  chat 7777  web 7778  no TLS"
 * ```
 */
export function serverLine(server: DiscoveredServer, width = 0): string {
  return [
    sanitize(server.name).padEnd(width),
    server.addresses.join(", "),
    `chat ${server.chatPort}`,
    server.webPort === undefined ? "no web" : `web ${server.webPort}`,
    server.fingerprint === undefined ? "no TLS" : `TLS ${server.fingerprint}`,
    ...(server.version === PROTOCOL_VERSION ? [] : [`protocol ${server.version}`]),
  ].join("  ");
}

function serverJson(server: DiscoveredServer) {
  return {
    name: server.name,
    addresses: server.addresses,
    chat_port: server.chatPort,
    ...(server.webPort === undefined ? {} : { web_port: server.webPort }),
    ...(server.fingerprint === undefined ? {} : { fingerprint: server.fingerprint }),
    version: server.version,
  };
}
