/**
 * Which network interfaces multicast DNS is spoken on (a server announcing itself, a client
 * looking for servers), and whether a querier is on one of them: pure, on the list
 * `Deno.networkInterfaces()` gives, so every case is a table in a test.
 *
 * @module
 */

/** A network interface to speak multicast DNS on, with this machine's IPv4 addresses there. */
export interface MdnsInterface {
  /** The interface's name, such as `eth0`, for log lines. */
  name: string;
  /** Its addresses the server can be reached on, the one to send from first. */
  addresses: string[];
  /** Their subnets, such as `192.168.1.20/24`: queriers on them are answered. */
  cidrs: string[];
}

/**
 * The network interfaces reachable from the LAN for a program listening on `listenHost`, with
 * its IPv4 addresses there: every interface but loopback for a wildcard host (`0.0.0.0`, `::`;
 * a client looking for servers listens on all), only the one that has `listenHost` otherwise,
 * and none for a loopback host. Multicast DNS is spoken over IPv4 only (docs/PROTOCOL.md
 * section 9).
 *
 * @example
 * ```ts
 * import { mdnsInterfaces } from "./mdns_interfaces.ts";
 * const eth0 = { name: "eth0", family: "IPv4", address: "192.168.1.20", netmask: "255.255.255.0",
 *   scopeid: null, cidr: "192.168.1.20/24", mac: "02:00:00:00:00:01" } as const;
 * mdnsInterfaces([eth0], "0.0.0.0");
 * // [{ name: "eth0", addresses: ["192.168.1.20"], cidrs: ["192.168.1.20/24"] }]
 * mdnsInterfaces([eth0], "127.0.0.1"); // []
 * ```
 */
export function mdnsInterfaces(
  interfaces: readonly Deno.NetworkInterfaceInfo[],
  listenHost: string,
): MdnsInterface[] {
  const wildcard = listenHost === "0.0.0.0" || listenHost === "::";
  const byName = new Map<string, MdnsInterface>();
  for (const { name, family, address, cidr } of interfaces) {
    if (family !== "IPv4" || address.startsWith("127.")) continue;
    if (!wildcard && address !== listenHost) continue;
    const chosen = byName.get(name) ??
      byName.set(name, { name, addresses: [], cidrs: [] }).get(name)!;
    if (!chosen.addresses.includes(address)) chosen.addresses.push(address);
    if (!chosen.cidrs.includes(cidr)) chosen.cidrs.push(cidr);
  }
  return [...byName.values()];
}

/**
 * Whether IPv4 `address` lies in the subnet `cidr` (`10.0.0.5/24`); false for anything that is
 * not an IPv4 address.
 *
 * @example
 * ```ts
 * import { inSubnet } from "./mdns_interfaces.ts";
 * inSubnet("192.168.1.31", "192.168.1.20/24"); // true
 * inSubnet("10.0.0.1", "192.168.1.20/24"); // false
 * ```
 */
export function inSubnet(address: string, cidr: string): boolean {
  const [network, bits] = cidr.split("/");
  const a = ipv4Number(address);
  const b = ipv4Number(network);
  const prefix = Number(bits);
  if (a === undefined || b === undefined || !Number.isInteger(prefix)) return false;
  if (prefix <= 0) return true;
  const shift = 32 - Math.min(prefix, 32);
  return a >>> shift === b >>> shift;
}

function ipv4Number(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) < 256)) {
    return undefined;
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}
