/**
 * `chat join` with no address: it looks for servers on the network and joins the one it finds;
 * of several, it asks which on a terminal and, in a script, fails with the list, as a script
 * cannot be asked and should not pick one by chance. The choice is pure
 * ({@linkcode chooseServer}, {@linkcode parseChoice}); asking and printing are here too.
 *
 * @module
 */
import { type DiscoveredServer, formatAddress, sanitize } from "../client/mod.ts";
import { PROTOCOL_VERSION } from "../protocol/mod.ts";
import { CliError, ExitCode } from "./cli_error.ts";
import { DISCOVER_SECONDS, findServers, serverLine } from "./discover.ts";

/** What to do with the servers found. */
export type ServerChoice =
  | { action: "join"; server: DiscoveredServer }
  | { action: "ask"; servers: DiscoveredServer[] }
  | { action: "fail"; message: string; exitCode: number };

/**
 * Decides among the servers found: those speaking another protocol version are left out; one
 * left is joined; several are asked about on a terminal (`interactive`), and refused with their
 * list (exit code 2, a usage error: the address is missing) otherwise.
 *
 * @example
 * ```ts
 * import { chooseServer } from "./join_discovered.ts";
 * const lab = { name: "Lab", addresses: ["10.0.0.5"], chatPort: 7777, version: 1, host: "chat-1.local" };
 * chooseServer([lab], { interactive: false }); // { action: "join", server: lab }
 * chooseServer([lab, { ...lab, host: "chat-2.local" }], { interactive: true }).action; // "ask"
 * ```
 */
export function chooseServer(
  found: readonly DiscoveredServer[],
  options: { interactive: boolean },
): ServerChoice {
  const servers = found.filter((server) => server.version === PROTOCOL_VERSION);
  if (servers.length === 1) return { action: "join", server: servers[0] };
  if (servers.length > 1 && options.interactive) return { action: "ask", servers };
  if (servers.length > 1) {
    return {
      action: "fail",
      exitCode: ExitCode.USAGE,
      message: `Found ${servers.length} chat servers on the network; give the address of the ` +
        `one to join, such as "chat join ${addressOf(servers[0])}":\n${numbered(servers)}`,
    };
  }
  if (found.length === 0) {
    return {
      action: "fail",
      exitCode: ExitCode.FAILURE,
      message: "No chat server answered on the network; give the address of the one to join.",
    };
  }
  return {
    action: "fail",
    exitCode: ExitCode.FAILURE,
    message: `The chat servers on the network speak another protocol version than this chat ` +
      `(${PROTOCOL_VERSION}); use a chat of their version:\n${numbered(found)}`,
  };
}

/**
 * Reads the answer to "Which one?" among `count` servers: its number, from 1; `undefined` for
 * anything else.
 *
 * @example
 * ```ts
 * import { parseChoice } from "./join_discovered.ts";
 * parseChoice(" 2 ", 3); // 1
 * parseChoice("4", 3); // undefined
 * ```
 */
export function parseChoice(answer: string, count: number): number | undefined {
  const text = answer.trim();
  if (!/^\d{1,4}$/.test(text)) return undefined;
  const index = Number(text) - 1;
  return index >= 0 && index < count ? index : undefined;
}

/**
 * Looks for servers on the network and returns the one to join, asking on a terminal when there
 * are several; says on stderr which it joins. Throws a {@linkcode CliError} when there is none,
 * or several and no terminal to ask on.
 */
export async function discoverServerToJoin(interactive: boolean): Promise<DiscoveredServer> {
  console.error("Looking for chat servers on the network…");
  const found = await findServers(
    DISCOVER_SECONDS,
    'check that one is running there, or give its address: "chat join HOST[:PORT]"',
  );
  const choice = chooseServer(found, { interactive });
  if (choice.action === "fail") throw new CliError(choice.message, choice.exitCode);
  const server = choice.action === "join" ? choice.server : ask(choice.servers);
  console.error(`Joining ${sanitize(server.name)} at ${addressOf(server)}.`);
  return server;
}

function ask(servers: DiscoveredServer[]): DiscoveredServer {
  console.error(`Found ${servers.length} chat servers on the network:\n${numbered(servers)}`);
  for (;;) {
    const answer = prompt(`Which one? [1-${servers.length}]:`);
    if (answer === null) throw new CliError("No server chosen.", ExitCode.USAGE);
    const index = parseChoice(answer, servers.length);
    if (index !== undefined) return servers[index];
  }
}

function numbered(servers: readonly DiscoveredServer[]): string {
  const width = Math.max(...servers.map((server) => sanitize(server.name).length));
  return servers.map((server, i) => `  ${i + 1}. ${serverLine(server, width)}`).join("\n");
}

function addressOf(server: DiscoveredServer): string {
  return formatAddress({ hostname: server.addresses[0], port: server.chatPort });
}
