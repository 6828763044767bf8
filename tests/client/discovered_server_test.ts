import { assertEquals } from "@std/assert";
import { addDiscovered, type DiscoveredServer, serversInResponse } from "../../src/client/mod.ts";
import type { MdnsPacket, MdnsRecord } from "../../src/transport/mod.ts";

const FROM = { address: "10.77.0.1", port: 5353 };
const FP_HEX = "ab".repeat(32);
const FINGERPRINT = `SHA256:${Array(32).fill("AB").join(":")}`;

function service(name: string, host: string, port: number, txt: string[], ttl = 120): MdnsRecord[] {
  const instance = `${name}._chat._tcp.local`;
  return [
    { name: "_chat._tcp.local", type: "PTR", ttl, data: instance },
    { name: instance, type: "SRV", ttl, data: { port, target: host } },
    { name: instance, type: "TXT", ttl, data: txt },
  ];
}

const a = (host: string, address: string, ttl = 120): MdnsRecord => ({
  name: host,
  type: "A",
  ttl,
  data: address,
});

function packet(answers: MdnsRecord[], additionals: MdnsRecord[] = []): MdnsPacket {
  return { id: 0, questions: [], answers, additionals };
}

const ROOM: DiscoveredServer = {
  name: "Room 214",
  addresses: ["10.77.0.1"],
  chatPort: 7777,
  webPort: 7778,
  version: 1,
  host: "chat-1.local",
};

const CASES: { name: string; packet: MdnsPacket; servers: DiscoveredServer[] }[] = [
  {
    name: "an answer as the server sends it: PTR, then SRV, TXT and A as additionals",
    packet: packet(
      service("Room 214", "chat-1.local", 7777, ["v=1", "name=Room 214", "web=7778"]).slice(0, 1),
      [
        ...service("Room 214", "chat-1.local", 7777, ["v=1", "name=Room 214", "web=7778"]).slice(1),
        a("chat-1.local", "10.77.0.1"),
      ],
    ),
    servers: [ROOM],
  },
  {
    name: "an unsolicited announcement, everything as answers; TXT as bytes",
    packet: packet([
      ...service("Room 214", "chat-1.local", 7777, []).slice(0, 2),
      {
        name: "Room 214._chat._tcp.local",
        type: "TXT",
        ttl: 4500,
        data: ["v=1", "name=Room 214", "web=7778"].map((s) => new TextEncoder().encode(s)),
      },
      a("chat-1.local", "10.77.0.1"),
    ]),
    servers: [ROOM],
  },
  {
    name: "several addresses, once each; the TXT name, not the instance label",
    packet: packet([
      ...service("ana-laptop", "chat-2.local", 9000, ["v=1", "name=ana.laptop", `fp=${FP_HEX}`]),
      a("chat-2.local", "192.168.1.20"),
      a("chat-2.local", "10.0.0.4"),
      a("chat-2.local", "192.168.1.20"),
      a("other.local", "192.168.1.99"),
    ]),
    servers: [{
      name: "ana.laptop",
      addresses: ["192.168.1.20", "10.0.0.4"],
      chatPort: 9000,
      fingerprint: FINGERPRINT,
      version: 1,
      host: "chat-2.local",
    }],
  },
  {
    name: "no A record: the address the packet came from",
    packet: packet(service("Lab", "chat-3.local", 7777, ["v=1", "name=Lab"])),
    servers: [{
      name: "Lab",
      addresses: ["10.77.0.1"],
      chatPort: 7777,
      version: 1,
      host: "chat-3.local",
    }],
  },
  {
    name: "two servers in one packet",
    packet: packet([
      ...service("A", "chat-a.local", 1, ["v=1", "name=A"]),
      ...service("B", "chat-b.local", 2, ["v=2", "name=B"]),
      a("chat-a.local", "10.0.0.1"),
      a("chat-b.local", "10.0.0.2"),
    ]),
    servers: [
      { name: "A", addresses: ["10.0.0.1"], chatPort: 1, version: 1, host: "chat-a.local" },
      { name: "B", addresses: ["10.0.0.2"], chatPort: 2, version: 2, host: "chat-b.local" },
    ],
  },
  {
    name: "a goodbye describes no server",
    packet: packet([...service("Lab", "chat-3.local", 7777, ["v=1", "name=Lab"], 0)]),
    servers: [],
  },
  {
    name: "another program's _chat._tcp service, without our TXT record",
    packet: packet(service("Other", "host.local", 5222, ["txtvers=1", "status=avail"])),
    servers: [],
  },
  {
    name: "no SRV record",
    packet: packet(
      service("Lab", "chat-3.local", 7777, ["v=1", "name=Lab"]).filter((r) => r.type !== "SRV"),
    ),
    servers: [],
  },
  {
    name: "no TXT record",
    packet: packet(
      service("Lab", "chat-3.local", 7777, ["v=1", "name=Lab"]).filter((r) => r.type !== "TXT"),
    ),
    servers: [],
  },
  {
    name: "another service type",
    packet: packet([
      { name: "_ipp._tcp.local", type: "PTR", ttl: 120, data: "Printer._ipp._tcp.local" },
      {
        name: "Printer._ipp._tcp.local",
        type: "SRV",
        ttl: 120,
        data: { port: 631, target: "p.local" },
      },
    ]),
    servers: [],
  },
  { name: "an empty response", packet: packet([]), servers: [] },
];

Deno.test("serversInResponse() reads the chat servers a response describes", () => {
  for (const { name, packet, servers } of CASES) {
    assertEquals(serversInResponse(packet, FROM), servers, name);
  }
});

Deno.test("addDiscovered() merges a server seen twice and keeps the list sorted", () => {
  const servers: DiscoveredServer[] = [];
  const lab = {
    name: "lab",
    addresses: ["10.0.0.5"],
    chatPort: 7777,
    version: 1,
    host: "chat-1.local",
  };
  addDiscovered(servers, lab);
  addDiscovered(servers, { ...ROOM, host: "chat-9.local" });
  addDiscovered(servers, { ...lab, host: "CHAT-1.local", addresses: ["192.168.1.5", "10.0.0.5"] });
  addDiscovered(servers, { ...lab, chatPort: 7000, addresses: ["10.0.0.5"] });
  addDiscovered(servers, { ...lab, name: "Attic", host: "chat-2.local" });
  assertEquals(servers.map((s) => [s.name, s.addresses, s.chatPort]), [
    ["Attic", ["10.0.0.5"], 7777],
    ["lab", ["10.0.0.5"], 7000],
    ["lab", ["10.0.0.5", "192.168.1.5"], 7777],
    ["Room 214", ["10.77.0.1"], 7777],
  ]);
  assertEquals(lab.addresses, ["10.0.0.5"], "what was added is not changed");
});
