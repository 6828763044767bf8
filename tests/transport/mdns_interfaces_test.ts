import { assertEquals } from "@std/assert";
import {
  inSubnet,
  type MdnsInterface,
  mdnsInterfaces,
} from "../../src/transport/mdns_interfaces.ts";
import { ipv4Interface, ipv6Interface } from "./_interfaces.ts";

const MACHINE = [
  ipv4Interface("lo", "127.0.0.1/8"),
  ipv6Interface("lo", "::1"),
  ipv4Interface("eth0", "192.168.1.20/24"),
  ipv6Interface("eth0", "fe80::1"),
  ipv6Interface("eth0", "2001:db8::20"),
  ipv4Interface("eth0", "192.168.1.21/24"),
  ipv4Interface("wlan0", "10.42.0.1/24"),
  ipv4Interface("eth0", "172.16.5.5/16"),
];

const CASES: {
  name: string;
  host: string;
  interfaces?: Deno.NetworkInterfaceInfo[];
  expected: MdnsInterface[];
}[] = [
  {
    name: "every interface but loopback for a wildcard host, IPv4 only, addresses grouped",
    host: "0.0.0.0",
    expected: [
      {
        name: "eth0",
        addresses: ["192.168.1.20", "192.168.1.21", "172.16.5.5"],
        cidrs: ["192.168.1.20/24", "192.168.1.21/24", "172.16.5.5/16"],
      },
      { name: "wlan0", addresses: ["10.42.0.1"], cidrs: ["10.42.0.1/24"] },
    ],
  },
  {
    name: "only the address listened on",
    host: "10.42.0.1",
    expected: [{ name: "wlan0", addresses: ["10.42.0.1"], cidrs: ["10.42.0.1/24"] }],
  },
  {
    name: "only that address, not its interface's others",
    host: "192.168.1.21",
    expected: [{ name: "eth0", addresses: ["192.168.1.21"], cidrs: ["192.168.1.21/24"] }],
  },
  { name: "nothing for loopback", host: "127.0.0.1", expected: [] },
  { name: "nothing for an IPv6 address", host: "2001:db8::20", expected: [] },
  {
    name: "nothing for a machine with loopback only",
    host: "0.0.0.0",
    interfaces: MACHINE.slice(0, 2),
    expected: [],
  },
  {
    name: "a veth pair's end",
    host: "0.0.0.0",
    interfaces: [
      ipv4Interface("lo", "127.0.0.1/8"),
      ipv4Interface("chatab12cd34s", "10.77.0.1/24"),
    ],
    expected: [{ name: "chatab12cd34s", addresses: ["10.77.0.1"], cidrs: ["10.77.0.1/24"] }],
  },
];

Deno.test("mdnsInterfaces() picks the IPv4 interfaces a server can be reached through", () => {
  for (const { name, host, interfaces = MACHINE, expected } of CASES) {
    assertEquals(mdnsInterfaces(interfaces, host), expected, name);
    // "::" listens on every interface as "0.0.0.0" does.
    if (host === "0.0.0.0") {
      assertEquals(mdnsInterfaces(interfaces, "::"), expected, `${name} (::)`);
    }
  }
});

const SUBNETS: { address: string; cidr: string; inside: boolean }[] = [
  { address: "192.168.1.31", cidr: "192.168.1.20/24", inside: true },
  { address: "192.168.1.20", cidr: "192.168.1.20/24", inside: true },
  { address: "192.168.2.20", cidr: "192.168.1.20/24", inside: false },
  { address: "10.77.0.2", cidr: "10.77.0.1/24", inside: true },
  { address: "10.77.1.2", cidr: "10.77.0.1/24", inside: false },
  { address: "172.16.200.1", cidr: "172.16.5.5/16", inside: true },
  { address: "172.17.0.1", cidr: "172.16.5.5/16", inside: false },
  { address: "10.0.0.9", cidr: "10.0.0.8/31", inside: true },
  { address: "10.0.0.10", cidr: "10.0.0.8/31", inside: false },
  { address: "10.0.0.8", cidr: "10.0.0.8/32", inside: true },
  { address: "10.0.0.9", cidr: "10.0.0.8/32", inside: false },
  { address: "8.8.8.8", cidr: "10.0.0.8/0", inside: true },
  { address: "255.255.255.255", cidr: "255.255.255.0/24", inside: true },
  { address: "::1", cidr: "10.0.0.8/24", inside: false },
  { address: "10.0.0.300", cidr: "10.0.0.8/24", inside: false },
  { address: "10.0.0", cidr: "10.0.0.8/24", inside: false },
  { address: "10.0.0.9", cidr: "10.0.0.8", inside: false },
];

Deno.test("inSubnet() compares the network bits of IPv4 addresses", () => {
  for (const { address, cidr, inside } of SUBNETS) {
    assertEquals(inSubnet(address, cidr), inside, `${address} in ${cidr}`);
  }
});
