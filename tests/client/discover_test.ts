import { assertEquals, assertRejects } from "@std/assert";
import { ChatError, type DiscoverOptions, discoverServers } from "../../src/client/mod.ts";
import type {
  MdnsListeners,
  MdnsQuestion,
  MdnsRecord,
  MdnsSocket,
} from "../../src/transport/mod.ts";
import { ipv4Interface } from "../transport/_interfaces.ts";

function announcement(name: string, host: string, address: string): MdnsRecord[] {
  const instance = `${name}._chat._tcp.local`;
  return [
    { name: "_chat._tcp.local", type: "PTR", ttl: 4500, data: instance },
    { name: instance, type: "SRV", ttl: 120, data: { port: 7777, target: host } },
    { name: instance, type: "TXT", ttl: 4500, data: ["v=1", `name=${name}`] },
    { name: host, type: "A", ttl: 120, data: address },
  ];
}

/**
 * A machine whose interfaces each hear a given set of servers: every query is answered at once
 * with their announcements.
 */
class FakeNetwork {
  readonly queries: { address: string; questions: MdnsQuestion[] }[] = [];
  readonly closed: string[] = [];

  constructor(
    readonly interfaces: Deno.NetworkInterfaceInfo[],
    readonly heard: Record<string, MdnsRecord[][]>,
    readonly failing: string[] = [],
  ) {}

  options(timeoutMs: number): DiscoverOptions {
    return {
      timeoutMs,
      network: {
        interfaces: () => this.interfaces,
        open: (address, listeners) =>
          this.failing.includes(address)
            ? Promise.reject(new Error("bind EADDRINUSE 0.0.0.0:5353"))
            : Promise.resolve(this.#socket(address, listeners)),
      },
    };
  }

  #socket(address: string, listeners: MdnsListeners): MdnsSocket {
    return {
      interfaceAddress: address,
      query: (questions) => {
        this.queries.push({ address, questions });
        for (const answers of this.heard[address] ?? []) {
          const from = { address: String(answers.at(-1)?.data), port: 5353 };
          listeners.onResponse?.({ id: 0, questions: [], answers, additionals: [] }, from);
        }
        return Promise.resolve();
      },
      respond: () => Promise.resolve(),
      close: () => {
        this.closed.push(address);
        return Promise.resolve();
      },
    };
  }
}

Deno.test("discoverServers() asks on every interface and merges what answers", async () => {
  const roomOnEth0 = announcement("Room 214", "chat-1.local", "192.168.1.20");
  const roomOnWlan0 = announcement("Room 214", "chat-1.local", "10.42.0.7");
  const lab = announcement("Lab", "chat-2.local", "192.168.1.31");
  const network = new FakeNetwork(
    [
      ipv4Interface("lo", "127.0.0.1/8"),
      ipv4Interface("eth0", "192.168.1.5/24"),
      ipv4Interface("wlan0", "10.42.0.9/24"),
    ],
    { "192.168.1.5": [roomOnEth0, lab, roomOnEth0], "10.42.0.9": [roomOnWlan0] },
  );
  const servers = await discoverServers(network.options(20));
  assertEquals(servers.map((s) => [s.name, s.addresses]), [
    ["Lab", ["192.168.1.31"]],
    ["Room 214", ["192.168.1.20", "10.42.0.7"]],
  ]);
  assertEquals(network.queries, [
    { address: "192.168.1.5", questions: [{ name: "_chat._tcp.local", type: "PTR" }] },
    { address: "10.42.0.9", questions: [{ name: "_chat._tcp.local", type: "PTR" }] },
  ]);
  assertEquals(network.closed, ["192.168.1.5", "10.42.0.9"]);
});

Deno.test("discoverServers() asks again after a second, and finds nothing without an error", async () => {
  const network = new FakeNetwork([ipv4Interface("eth0", "192.168.1.5/24")], {});
  assertEquals(await discoverServers(network.options(1100)), []);
  assertEquals(network.queries.length, 2);
  assertEquals(network.closed, ["192.168.1.5"]);
});

Deno.test("discoverServers() leaves out an interface it cannot open, if another one works", async () => {
  const network = new FakeNetwork(
    [ipv4Interface("docker0", "172.17.0.1/16"), ipv4Interface("eth0", "192.168.1.5/24")],
    { "192.168.1.5": [announcement("Lab", "chat-2.local", "192.168.1.31")] },
    ["172.17.0.1"],
  );
  assertEquals((await discoverServers(network.options(20))).map((s) => s.name), ["Lab"]);
});

const CANNOT_ASK: { name: string; network: FakeNetwork | DiscoverOptions; message: string }[] = [
  {
    name: "loopback only",
    network: new FakeNetwork([ipv4Interface("lo", "127.0.0.1/8")], {}),
    message:
      "This machine has no network interface to look for servers on; connect it to the network.",
  },
  {
    name: "no interface could be opened",
    network: new FakeNetwork([ipv4Interface("eth0", "192.168.1.5/24")], {}, ["192.168.1.5"]),
    message: "Cannot look for servers on the network (eth0: bind EADDRINUSE 0.0.0.0:5353).",
  },
  {
    name: "the interfaces may not be listed",
    network: {
      timeoutMs: 20,
      network: {
        interfaces: () => {
          throw new Deno.errors.NotCapable('Requires sys access to "networkInterfaces"');
        },
        open: () => Promise.reject(new Error("not reached")),
      },
    },
    message:
      'Cannot list this machine\'s network interfaces: Requires sys access to "networkInterfaces".',
  },
];

Deno.test("discoverServers() says in one sentence why it cannot ask", async () => {
  for (const { name, network, message } of CANNOT_ASK) {
    const options = network instanceof FakeNetwork ? network.options(20) : network;
    const error = await assertRejects(() => discoverServers(options), ChatError, undefined, name);
    assertEquals([error.code, error.message], ["no_network", message], name);
  }
});
