/**
 * What a client learns of the servers on the LAN from their multicast DNS responses
 * (docs/PROTOCOL.md section 9): pure, so reading responses and merging what several of them say
 * is tested without sockets. The socket work is in discover.ts.
 *
 * @module
 */
import { decodeServiceTxt, SERVICE_TYPE } from "../protocol/mod.ts";
import type { MdnsPacket, MdnsRecord } from "../transport/mod.ts";

/** A server found on the network. Nothing in it is authenticated. */
export interface DiscoveredServer {
  /** The name it is announced under, as it came (print it through `sanitize`). */
  name: string;
  /** Its IPv4 addresses, as announced. */
  addresses: string[];
  chatPort: number;
  /** The web client's port, when it serves one. */
  webPort?: number;
  /** With TLS: the fingerprint it announces, to be checked, never trusted. */
  fingerprint?: string;
  /** The protocol version it speaks. */
  version: number;
  /** The host name of its SRV record: with the chat port, what tells servers apart. */
  host: string;
}

/**
 * The chat servers a multicast DNS response describes: each instance its PTR records name, with
 * the SRV, TXT and A records the same packet holds. An instance without an SRV record or a chat
 * server's TXT record is left out, and so is a goodbye (TTL 0). Without A records, the address
 * is the one the packet came from.
 *
 * @example
 * ```ts
 * import { serversInResponse } from "./discovered_server.ts";
 * const instance = "Room 214._chat._tcp.local";
 * serversInResponse({ id: 0, questions: [], additionals: [], answers: [
 *   { name: "_chat._tcp.local", type: "PTR", ttl: 4500, data: instance },
 *   { name: instance, type: "SRV", ttl: 120, data: { port: 7777, target: "chat-1.local" } },
 *   { name: instance, type: "TXT", ttl: 4500, data: ["v=1", "name=Room 214"] },
 * ] }, { address: "192.168.1.20" });
 * // [{ name: "Room 214", addresses: ["192.168.1.20"], chatPort: 7777, version: 1, host: "chat-1.local" }]
 * ```
 */
export function serversInResponse(
  packet: MdnsPacket,
  from: { address: string },
): DiscoveredServer[] {
  const records = [...packet.answers, ...packet.additionals].filter((record) => record.ttl > 0);
  const named = (name: string) => (record: MdnsRecord) =>
    record.name.toLowerCase() === name.toLowerCase();
  const servers: DiscoveredServer[] = [];
  for (const ptr of records.filter(named(SERVICE_TYPE))) {
    if (ptr.type !== "PTR") continue;
    const about = records.filter(named(ptr.data));
    const srv = about.find((record) => record.type === "SRV");
    const txtRecord = about.find((record) => record.type === "TXT");
    const txt = txtRecord?.type === "TXT" ? decodeServiceTxt(txtRecord.data) : undefined;
    if (srv?.type !== "SRV" || txt === undefined) continue;
    const host = srv.data.target;
    const addresses = records.filter(named(host)).flatMap((record) =>
      record.type === "A" ? [record.data] : []
    );
    servers.push({
      name: txt.name,
      addresses: addresses.length > 0 ? [...new Set(addresses)] : [from.address],
      chatPort: srv.data.port,
      ...(txt.webPort === undefined ? {} : { webPort: txt.webPort }),
      ...(txt.fingerprint === undefined ? {} : { fingerprint: txt.fingerprint }),
      version: txt.version,
      host,
    });
  }
  return servers;
}

/**
 * Adds `found` to `servers`: a server already there (same host and chat port, as when it
 * answers twice or on two interfaces) gains the addresses it did not have; another is added.
 * Keeps `servers` sorted by name, then address, so a list reads the same each time.
 *
 * @example
 * ```ts
 * import { addDiscovered, type DiscoveredServer } from "./discovered_server.ts";
 * const servers: DiscoveredServer[] = [];
 * const lab = { name: "Lab", addresses: ["10.0.0.5"], chatPort: 7777, version: 1, host: "chat-1.local" };
 * addDiscovered(servers, lab);
 * addDiscovered(servers, { ...lab, addresses: ["192.168.1.5"] });
 * servers[0].addresses; // ["10.0.0.5", "192.168.1.5"]
 * ```
 */
export function addDiscovered(servers: DiscoveredServer[], found: DiscoveredServer): void {
  const same = servers.find((server) =>
    server.host.toLowerCase() === found.host.toLowerCase() && server.chatPort === found.chatPort
  );
  if (same === undefined) {
    servers.push({ ...found, addresses: [...found.addresses] });
  } else {
    for (const address of found.addresses) {
      if (!same.addresses.includes(address)) same.addresses.push(address);
    }
  }
  servers.sort((a, b) =>
    a.name.localeCompare(b.name) || a.addresses[0].localeCompare(b.addresses[0]) ||
    a.chatPort - b.chatPort
  );
}
