/**
 * Looks for chat servers on the LAN (docs/PROTOCOL.md section 9): asks on every network
 * interface, one multicast DNS socket each, for `_chat._tcp.local`, and gathers what answers
 * within the time given, unsolicited announcements included. Deno only (UDP sockets): the
 * browser never imports it.
 *
 * It always waits the whole time: whether one server answered or several is what `chat join`
 * without an address decides on.
 *
 * @module
 */
import { SERVICE_TYPE } from "../protocol/mod.ts";
import {
  mdnsInterfaces,
  type MdnsNetwork,
  type MdnsSocket,
  SYSTEM_NETWORK,
} from "../transport/mod.ts";
import { errorReason } from "../util/mod.ts";
import { ChatError } from "./chat_error.ts";
import { addDiscovered, type DiscoveredServer, serversInResponse } from "./discovered_server.ts";

/** When the question is asked again: mDNS queriers repeat it after a second (RFC 6762 section 5.2). */
const ASK_AGAIN_MS = 1000;

/** Settings of {@linkcode discoverServers}. */
export interface DiscoverOptions {
  /** How long to listen for answers. */
  timeoutMs: number;
  /** Where to speak multicast DNS; this machine's network unless told. */
  network?: MdnsNetwork;
}

/**
 * The chat servers that answer within `timeoutMs`, sorted by name; empty when none did. Rejects
 * with a {@linkcode ChatError} (`no_network`) only when it cannot ask at all: no interface but
 * loopback, or none on which multicast DNS could be opened.
 *
 * @example
 * ```ts ignore
 * import { discoverServers } from "./discover.ts";
 * for (const server of await discoverServers({ timeoutMs: 2000 })) {
 *   console.log(server.name, server.addresses[0], server.chatPort);
 * }
 * ```
 */
export async function discoverServers(options: DiscoverOptions): Promise<DiscoveredServer[]> {
  const network = options.network ?? SYSTEM_NETWORK;
  let interfaces;
  try {
    interfaces = mdnsInterfaces(network.interfaces(), "0.0.0.0");
  } catch (error) {
    throw new ChatError(
      "no_network",
      `Cannot list this machine's network interfaces: ${errorReason(error)}.`,
    );
  }
  if (interfaces.length === 0) {
    throw new ChatError(
      "no_network",
      "This machine has no network interface to look for servers on; connect it to the network.",
    );
  }
  const servers: DiscoveredServer[] = [];
  const opened = await Promise.allSettled(
    interfaces.map((iface) =>
      network.open(iface.addresses[0], {
        onResponse(packet, from) {
          for (const server of serversInResponse(packet, from)) addDiscovered(servers, server);
        },
      })
    ),
  );
  const sockets = opened.flatMap((result) => result.status === "fulfilled" ? [result.value] : []);
  if (sockets.length === 0) {
    const reasons = opened.map((result, i) =>
      `${interfaces[i].name}: ${errorReason((result as PromiseRejectedResult).reason)}`
    );
    throw new ChatError(
      "no_network",
      `Cannot look for servers on the network (${reasons.join("; ")}).`,
    );
  }
  const ask = () => Promise.all(sockets.map((socket) => askOn(socket)));
  const timers: ReturnType<typeof setTimeout>[] = [];
  try {
    await ask();
    await new Promise<void>((resolve) => {
      if (options.timeoutMs > ASK_AGAIN_MS) timers.push(setTimeout(ask, ASK_AGAIN_MS));
      timers.push(setTimeout(resolve, options.timeoutMs));
    });
  } finally {
    timers.forEach(clearTimeout);
    await Promise.all(sockets.map((socket) => socket.close()));
  }
  return servers;
}

/** Asks for chat servers on one interface; a send that fails there leaves the others asking. */
async function askOn(socket: MdnsSocket): Promise<void> {
  try {
    await socket.query([{ name: SERVICE_TYPE, type: "PTR" }]);
  } catch {
    // Nothing will answer on this interface; the others may.
  }
}
