import { assertEquals } from "@std/assert";
import { type MdnsAnswer, ServiceRecords } from "../../src/server/service_records.ts";
import type { MdnsQuestion, MdnsRecord } from "../../src/transport/mod.ts";

const INSTANCE = "Room 214._chat._tcp.local";
const HOST = "chat-0a1b2c3d.local";
const records = new ServiceRecords({
  name: "Room 214",
  host: HOST,
  port: 7777,
  txt: ["v=1", "name=Room 214", "web=7778"],
  addresses: ["192.168.1.20", "192.168.1.21"],
});

const PTR: MdnsRecord = { name: "_chat._tcp.local", type: "PTR", ttl: 4500, data: INSTANCE };
const SRV: MdnsRecord = {
  name: INSTANCE,
  type: "SRV",
  ttl: 120,
  data: { port: 7777, target: HOST },
};
const TXT: MdnsRecord = {
  name: INSTANCE,
  type: "TXT",
  ttl: 4500,
  data: ["v=1", "name=Room 214", "web=7778"],
};
const A1: MdnsRecord = { name: HOST, type: "A", ttl: 120, data: "192.168.1.20" };
const A2: MdnsRecord = { name: HOST, type: "A", ttl: 120, data: "192.168.1.21" };
const TYPES: MdnsRecord = {
  name: "_services._dns-sd._udp.local",
  type: "PTR",
  ttl: 4500,
  data: "_chat._tcp.local",
};

const CASES: { name: string; questions: MdnsQuestion[]; expected: MdnsAnswer | undefined }[] = [
  {
    name: "browsing for the service type: the instance, then all a client needs",
    questions: [{ name: "_chat._tcp.local", type: "PTR" }],
    expected: { answers: [PTR], additionals: [SRV, TXT, A1, A2] },
  },
  {
    name: "names are compared regardless of case",
    questions: [{ name: "_CHAT._TCP.Local", type: "PTR" }],
    expected: { answers: [PTR], additionals: [SRV, TXT, A1, A2] },
  },
  {
    name: "ANY for the service type",
    questions: [{ name: "_chat._tcp.local", type: "ANY" }],
    expected: { answers: [PTR], additionals: [SRV, TXT, A1, A2] },
  },
  {
    name: "enumerating service types",
    questions: [{ name: "_services._dns-sd._udp.local", type: "PTR" }],
    expected: { answers: [TYPES], additionals: [] },
  },
  {
    name: "resolving the instance: SRV, with the host's addresses",
    questions: [{ name: INSTANCE, type: "SRV" }],
    expected: { answers: [SRV], additionals: [A1, A2] },
  },
  {
    name: "the instance's TXT alone",
    questions: [{ name: INSTANCE, type: "TXT" }],
    expected: { answers: [TXT], additionals: [] },
  },
  {
    name: "ANY for the instance",
    questions: [{ name: "room 214._chat._tcp.local", type: "ANY" }],
    expected: { answers: [SRV, TXT], additionals: [A1, A2] },
  },
  {
    name: "the host's addresses",
    questions: [{ name: HOST, type: "A" }],
    expected: { answers: [A1, A2], additionals: [] },
  },
  {
    name: "several questions: each record once, none both answer and additional",
    questions: [
      { name: "_chat._tcp.local", type: "PTR" },
      { name: INSTANCE, type: "SRV" },
      { name: "_chat._tcp.local", type: "PTR" },
    ],
    expected: { answers: [PTR, SRV], additionals: [TXT, A1, A2] },
  },
  {
    name: "another service type",
    questions: [{ name: "_ipp._tcp.local", type: "PTR" }],
    expected: undefined,
  },
  {
    name: "another instance",
    questions: [{ name: "Lab._chat._tcp.local", type: "SRV" }],
    expected: undefined,
  },
  { name: "a type it has not", questions: [{ name: HOST, type: "AAAA" }], expected: undefined },
  { name: "no questions", questions: [], expected: undefined },
];

Deno.test("ServiceRecords.answer() answers questions about its service, with additionals", () => {
  for (const { name, questions, expected } of CASES) {
    assertEquals(records.answer(questions), expected, name);
  }
});

Deno.test("ServiceRecords.all() lists every record, and with TTL 0 to say goodbye", () => {
  assertEquals(records.all(), [PTR, SRV, TXT, A1, A2]);
  assertEquals(
    records.all({ goodbye: true }),
    [PTR, SRV, TXT, A1, A2].map((record) => ({ ...record, ttl: 0 })),
  );
});

Deno.test("ServiceRecords writes the dots of a name as dashes in its instance label", () => {
  const dotted = new ServiceRecords({
    name: "ana.laptop",
    host: HOST,
    port: 1,
    txt: ["v=1", "name=ana.laptop"],
    addresses: [],
  });
  assertEquals(dotted.instance, "ana-laptop._chat._tcp.local");
});
