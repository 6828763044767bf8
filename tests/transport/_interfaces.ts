/**
 * Network interfaces as `Deno.networkInterfaces()` lists them, for the tests of what speaks
 * multicast DNS on which interface.
 *
 * @module
 */

/** An IPv4 interface address from its name and `address/bits`, such as `10.77.0.1/24`. */
export function ipv4Interface(name: string, cidr: string): Deno.NetworkInterfaceInfo {
  const [address, bits] = cidr.split("/");
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const netmask = [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join(".");
  return { name, family: "IPv4", address, netmask, scopeid: null, cidr, mac: "02:00:00:00:00:01" };
}

/** An IPv6 interface address with a /64 prefix. */
export function ipv6Interface(name: string, address: string): Deno.NetworkInterfaceInfo {
  return {
    name,
    family: "IPv6",
    address,
    netmask: "ffff:ffff:ffff:ffff::",
    scopeid: 0,
    cidr: `${address}/64`,
    mac: "02:00:00:00:00:01",
  };
}
