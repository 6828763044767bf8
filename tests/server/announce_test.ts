import { assert, assertEquals } from "@std/assert";
import { announce, type AnnounceOptions } from "../../src/server/announce.ts";
import type {
  MdnsListeners,
  MdnsPacket,
  MdnsResponse,
  MdnsSender,
  MdnsSocket,
} from "../../src/transport/mod.ts";
import { Watch } from "../e2e/_wait.ts";
import { ipv4Interface } from "../transport/_interfaces.ts";

/** A machine whose mDNS sockets record what they send and take queries from the test. */
class FakeNetwork {
  readonly sockets = new Map<string, FakeSocket>();
  readonly watch = new Watch();
  readonly interfaces: Deno.NetworkInterfaceInfo[];
  readonly failing: Set<string>;
  readonly log: string[] = [];

  constructor(interfaces: Deno.NetworkInterfaceInfo[], failing: string[] = []) {
    this.interfaces = interfaces;
    this.failing = new Set(failing);
  }

  options(overrides: Partial<AnnounceOptions> = {}): AnnounceOptions {
    return {
      listenHost: "0.0.0.0",
      name: "Room 214",
      chatPort: 7777,
      webPort: 7778,
      log: (line) => this.log.push(line),
      network: {
        interfaces: () => this.interfaces,
        open: (address, listeners) => {
          if (this.failing.has(address)) {
            return Promise.reject(new Error("addMembership EADDRNOTAVAIL"));
          }
          const socket = new FakeSocket(address, listeners, this.watch);
          this.sockets.set(address, socket);
          return Promise.resolve(socket);
        },
      },
      announceAtMs: [0],
      ...overrides,
    };
  }

  socket(address: string): FakeSocket {
    const socket = this.sockets.get(address);
    if (socket === undefined) throw new Error(`No socket was opened on ${address}.`);
    return socket;
  }
}

class FakeSocket implements MdnsSocket {
  readonly sent: { packet: MdnsResponse; to?: MdnsSender }[] = [];
  closed = false;
  failSends = false;
  readonly interfaceAddress: string;
  readonly #listeners: MdnsListeners;
  readonly #watch: Watch;

  constructor(address: string, listeners: MdnsListeners, watch: Watch) {
    this.interfaceAddress = address;
    this.#listeners = listeners;
    this.#watch = watch;
  }

  query(): Promise<void> {
    return Promise.resolve();
  }

  respond(packet: MdnsResponse, to?: MdnsSender): Promise<void> {
    if (this.failSends) return Promise.reject(new Error("send ENETUNREACH"));
    this.sent.push({ packet, to });
    this.#watch.notify();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** Delivers a query as if it came from `from`. */
  ask(packet: Partial<MdnsPacket>, from: MdnsSender): void {
    this.#listeners.onQuery?.(
      { id: 0, questions: [], answers: [], additionals: [], ...packet },
      from,
    );
  }

  /** Waits until it has sent `count` packets. */
  sends(count: number): Promise<void> {
    return this.#watch.until(() => this.sent.length >= count || undefined, {
      what: `${count} packets sent on ${this.interfaceAddress}`,
      context: () => JSON.stringify(this.sent),
      timeoutMs: 2_000,
    }).then(() => {});
  }
}

const BROWSE = { questions: [{ name: "_chat._tcp.local", type: "PTR" }] };
const recordNames = (packet: MdnsResponse) =>
  [...packet.answers, ...packet.additionals ?? []].map((r) => `${r.type} ${r.name} ${r.ttl}`);

Deno.test("announce() sends each interface's records, with that interface's addresses", async () => {
  const network = new FakeNetwork([
    ipv4Interface("lo", "127.0.0.1/8"),
    ipv4Interface("eth0", "192.168.1.20/24"),
    ipv4Interface("wlan0", "10.42.0.1/24"),
  ]);
  const announcement = await announce(
    network.options({ fingerprint: `SHA256:${"AB:".repeat(31)}AB` }),
  );
  assertEquals(announcement.interfaces, ["eth0 (192.168.1.20)", "wlan0 (10.42.0.1)"]);
  assertEquals([...network.sockets.keys()], ["192.168.1.20", "10.42.0.1"]);
  for (const address of ["192.168.1.20", "10.42.0.1"]) {
    const socket = network.socket(address);
    await socket.sends(1);
    const [{ packet, to }] = socket.sent;
    assertEquals(to, undefined, "to the group");
    assertEquals(packet.answers.map((r) => r.type), ["PTR", "SRV", "TXT", "A"]);
    assertEquals(packet.answers[3].data, address);
    assertEquals(packet.answers[2].data, [
      "v=1",
      "name=Room 214",
      "web=7778",
      `fp=${"ab".repeat(32)}`,
    ]);
  }
  assertEquals(network.log, []);
  await announcement.close();
});

Deno.test("announce() answers queriers on the interface's subnet only, legacy ones by unicast", async () => {
  const network = new FakeNetwork([ipv4Interface("eth0", "192.168.1.20/24")]);
  const announcement = await announce(network.options({ announceAtMs: [] }));
  const socket = network.socket("192.168.1.20");

  socket.ask(BROWSE, { address: "10.0.0.7", port: 5353 });
  socket.ask({ questions: [{ name: "_ipp._tcp.local", type: "PTR" }] }, {
    address: "192.168.1.31",
    port: 5353,
  });
  socket.ask(BROWSE, { address: "192.168.1.31", port: 5353 });
  await socket.sends(1);
  assertEquals(socket.sent.length, 1, "only the query from the subnet about chat is answered");
  assertEquals(socket.sent[0].to, undefined, "by multicast");
  assertEquals(recordNames(socket.sent[0].packet)[0], "PTR _chat._tcp.local 4500");

  socket.ask({ id: 4242, ...BROWSE }, { address: "192.168.1.31", port: 40000 });
  await socket.sends(2);
  const legacy = socket.sent[1];
  assertEquals(legacy.to, { address: "192.168.1.31", port: 40000 }, "by unicast to the querier");
  assertEquals(legacy.packet.id, 4242);
  assertEquals(legacy.packet.questions, BROWSE.questions);
  assert(recordNames(legacy.packet).every((line) => line.endsWith(" 10")), "TTLs of 10 s at most");
  await announcement.close();
});

Deno.test("announce().close() says goodbye with TTL 0 on every interface, then closes", async () => {
  const network = new FakeNetwork([
    ipv4Interface("eth0", "192.168.1.20/24"),
    ipv4Interface("eth1", "10.1.0.2/16"),
  ]);
  const announcement = await announce(network.options({ announceAtMs: [] }));
  const closing = announcement.close();
  assert(announcement.close() === closing, "closing twice is closing once");
  await closing;
  for (const socket of network.sockets.values()) {
    assertEquals(socket.sent.length, 1);
    assertEquals(socket.sent[0].packet.answers.map((r) => r.ttl), [0, 0, 0, 0]);
    assert(socket.closed);
  }
});

const FAILURES: {
  name: string;
  interfaces: Deno.NetworkInterfaceInfo[];
  listenHost?: string;
  failing?: string[];
  announced: string[];
  log: string[];
}[] = [
  {
    name: "an interface that cannot join the group is left out, in one line",
    interfaces: [ipv4Interface("eth0", "192.168.1.20/24"), ipv4Interface("tun0", "10.8.0.2/24")],
    failing: ["10.8.0.2"],
    announced: ["eth0 (192.168.1.20)"],
    log: ["not announced on tun0 (10.8.0.2): addMembership EADDRNOTAVAIL"],
  },
  {
    name: "no interface at all: one line that says what it means",
    interfaces: [ipv4Interface("eth0", "192.168.1.20/24"), ipv4Interface("tun0", "10.8.0.2/24")],
    failing: ["192.168.1.20", "10.8.0.2"],
    announced: [],
    log: [
      "not announced on the network, so chat discover will not find this server: eth0 " +
      "(192.168.1.20): addMembership EADDRNOTAVAIL; tun0 (10.8.0.2): addMembership EADDRNOTAVAIL",
    ],
  },
  {
    name: "a machine with loopback only",
    interfaces: [ipv4Interface("lo", "127.0.0.1/8")],
    announced: [],
    log: ["not announced on the network: no network interface with an IPv4 address"],
  },
  {
    name: "a server kept to loopback says nothing",
    interfaces: [ipv4Interface("lo", "127.0.0.1/8"), ipv4Interface("eth0", "192.168.1.20/24")],
    listenHost: "127.0.0.1",
    announced: [],
    log: [],
  },
];

Deno.test("announce() logs what it cannot do in one line and goes on", async () => {
  for (const { name, interfaces, listenHost = "0.0.0.0", failing, announced, log } of FAILURES) {
    const network = new FakeNetwork(interfaces, failing);
    const announcement = await announce(network.options({ listenHost, announceAtMs: [] }));
    assertEquals(announcement.interfaces, announced, name);
    assertEquals(network.log, log, name);
    await announcement.close();
  }
});

Deno.test("announce() logs an interface whose sends fail once, not once per query", async () => {
  const network = new FakeNetwork([ipv4Interface("eth0", "192.168.1.20/24")]);
  const announcement = await announce(network.options({ announceAtMs: [] }));
  const socket = network.socket("192.168.1.20");
  socket.failSends = true;
  for (let i = 0; i < 3; i++) socket.ask(BROWSE, { address: "192.168.1.31", port: 5353 });
  await announcement.close();
  assertEquals(network.log, ["announcing on eth0 (192.168.1.20) failed: send ENETUNREACH"]);
});

Deno.test("announce() reports a list of interfaces it may not read as one line", async () => {
  const log: string[] = [];
  const announcement = await announce({
    listenHost: "0.0.0.0",
    name: "x",
    chatPort: 1,
    log: (line) => log.push(line),
    network: {
      interfaces: () => {
        throw new Deno.errors.NotCapable('Requires sys access to "networkInterfaces"');
      },
      open: () => Promise.reject(new Error("not reached")),
    },
  });
  assertEquals(announcement.interfaces, []);
  assertEquals(log, ['not announced on the network: Requires sys access to "networkInterfaces"']);
});
