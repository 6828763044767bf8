/**
 * Multicast DNS on one network interface, over npm's `multicast-dns` (which encodes packets with
 * `dns-packet` and speaks UDP through `node:dgram`), typed for the few records the LAN discovery
 * of docs/PROTOCOL.md section 9 uses.
 *
 * One socket per interface, not one for the machine: a socket left to the system's default sends
 * its multicast only where the default route goes, and with no default route (a hotspot, two
 * machines on a cable) nowhere at all. Each socket here joins the mDNS group on its interface and
 * sends through it. All of them bind port 5353 with address reuse, beside each other and beside
 * the system's own responder (Avahi); the system hands every one of them all the group's packets,
 * whatever interface they came in on, which is why a packet comes with its sender's address.
 *
 * Received packets are reduced to the record types below, checked for shape, so the code that
 * reads them never meets a malformed or unexpected record.
 *
 * @module
 */
import multicastDns from "multicast-dns";

/** The mDNS port and IPv4 group (RFC 6762). */
export const MDNS_PORT = 5353;

/** A resource record of one of the types LAN discovery uses. */
export type MdnsRecord =
  | { name: string; type: "PTR"; ttl: number; data: string }
  | { name: string; type: "SRV"; ttl: number; data: { port: number; target: string } }
  | { name: string; type: "TXT"; ttl: number; data: (string | Uint8Array)[] }
  | { name: string; type: "A"; ttl: number; data: string };

/** A question of a query; `type` such as `PTR` or `ANY`. */
export interface MdnsQuestion {
  name: string;
  type: string;
}

/** A packet as received: questions, and the records of the types above. */
export interface MdnsPacket {
  /** The query id; 0 in multicast queries, a legacy querier's own otherwise. */
  id: number;
  questions: MdnsQuestion[];
  answers: MdnsRecord[];
  additionals: MdnsRecord[];
}

/**
 * A response to send: `id` and `questions` only in the answer to a legacy querier, which expects
 * its query's back.
 */
export interface MdnsResponse {
  answers: MdnsRecord[];
  additionals?: MdnsRecord[];
  id?: number;
  questions?: MdnsQuestion[];
}

/** Where a packet came from. */
export interface MdnsSender {
  address: string;
  port: number;
}

/** What to do with the packets an {@linkcode MdnsSocket} receives. */
export interface MdnsListeners {
  onQuery?(packet: MdnsPacket, from: MdnsSender): void;
  onResponse?(packet: MdnsPacket, from: MdnsSender): void;
}

/** Multicast DNS on one interface: see {@linkcode openMdnsSocket}. */
export interface MdnsSocket {
  /** The IPv4 address of the interface it sends through. */
  readonly interfaceAddress: string;
  /** Sends a query to the group. */
  query(questions: MdnsQuestion[]): Promise<void>;
  /**
   * Sends a response to the group, or only to `to` (a legacy querier, which expects its query's
   * `id` and `questions` back).
   */
  respond(packet: MdnsResponse, to?: MdnsSender): Promise<void>;
  /** Leaves the group and closes the socket. */
  close(): Promise<void>;
}

/** The part of a `multicast-dns` instance used here. */
interface MulticastDns {
  on(event: "ready", listener: () => void): void;
  on(event: "error" | "warning", listener: (error: Error) => void): void;
  on(event: "query" | "response", listener: (packet: unknown, from: MdnsSender) => void): void;
  query(packet: { questions: MdnsQuestion[] }, done: (error?: Error | null) => void): void;
  respond(packet: object, to: MdnsSender | undefined, done: (error?: Error | null) => void): void;
  destroy(done: () => void): void;
}

const createMulticastDns: (options: object) => MulticastDns = multicastDns;

/**
 * Opens multicast DNS on the interface with IPv4 address `interfaceAddress`: it binds port 5353,
 * joins the group there and sends through it. Rejects, with nothing left open, when the port
 * cannot be bound or the interface cannot join the group (no multicast, no permission).
 *
 * @example
 * ```ts ignore
 * import { openMdnsSocket } from "./mdns_socket.ts";
 * const socket = await openMdnsSocket("192.168.1.20", {
 *   onResponse: (packet, from) => console.log(from.address, packet.answers),
 * });
 * await socket.query([{ name: "_chat._tcp.local", type: "PTR" }]);
 * await socket.close();
 * ```
 */
export function openMdnsSocket(
  interfaceAddress: string,
  listeners: MdnsListeners,
): Promise<MdnsSocket> {
  const mdns = createMulticastDns({
    interface: interfaceAddress,
    bind: "0.0.0.0",
    port: MDNS_PORT,
    reuseAddr: true,
  });
  let closed: Promise<void> | undefined;
  const close = () => closed ??= new Promise<void>((resolve) => mdns.destroy(resolve));
  const sent = (resolve: () => void, reject: (error: Error) => void) => (error?: Error | null) =>
    error ? reject(error) : resolve();
  const socket: MdnsSocket = {
    interfaceAddress,
    query: (questions) =>
      new Promise((resolve, reject) => mdns.query({ questions }, sent(resolve, reject))),
    respond: (packet, to) =>
      new Promise((resolve, reject) => {
        const full = { additionals: [], questions: [], ...packet };
        mdns.respond(full, to === undefined ? undefined : { ...to }, sent(resolve, reject));
      }),
    close,
  };
  mdns.on("query", (packet, from) => listeners.onQuery?.(toPacket(packet), from));
  mdns.on("response", (packet, from) => listeners.onResponse?.(toPacket(packet), from));
  return new Promise((resolve, reject) => {
    // Binding fails with an error; joining the group, done while binding, with a warning. Both
    // come before "ready", or instead of it; what comes after is the caller's to see in its sends.
    let failure: Error | undefined;
    let ready = false;
    const fail = (error: Error) => {
      if (ready || failure !== undefined) return;
      failure = error;
      close().then(() => reject(error));
    };
    mdns.on("error", fail);
    mdns.on("warning", fail);
    mdns.on("ready", () => {
      if (failure !== undefined) return;
      ready = true;
      resolve(socket);
    });
  });
}

/** Keeps a decoded packet's questions and its records of the types above, checked for shape. */
function toPacket(raw: unknown): MdnsPacket {
  const packet = raw as Partial<Record<"id" | "questions" | "answers" | "additionals", unknown>>;
  const list = (value: unknown): unknown[] => Array.isArray(value) ? value : [];
  const questions = list(packet.questions).flatMap((question) => {
    const { name, type } = (question ?? {}) as Record<string, unknown>;
    return typeof name === "string" && typeof type === "string" ? [{ name, type }] : [];
  });
  return {
    id: typeof packet.id === "number" ? packet.id : 0,
    questions,
    answers: list(packet.answers).flatMap(toRecord),
    additionals: list(packet.additionals).flatMap(toRecord),
  };
}

function toRecord(raw: unknown): MdnsRecord[] {
  const { name, type, ttl, data } = (raw ?? {}) as Record<string, unknown>;
  if (typeof name !== "string" || typeof ttl !== "number") return [];
  if ((type === "PTR" || type === "A") && typeof data === "string") {
    return [{ name, type, ttl, data }];
  }
  if (type === "SRV") {
    const { port, target } = (data ?? {}) as Record<string, unknown>;
    if (typeof port === "number" && typeof target === "string") {
      return [{ name, type, ttl, data: { port, target } }];
    }
  }
  if (type === "TXT" && Array.isArray(data) && data.every((s) => s instanceof Uint8Array)) {
    return [{ name, type, ttl, data }];
  }
  return [];
}

/** The machine's network interfaces and how to open multicast DNS on one: its own, or a test's. */
export interface MdnsNetwork {
  interfaces(): Deno.NetworkInterfaceInfo[];
  open: typeof openMdnsSocket;
}

/**
 * This machine's network.
 *
 * @example
 * ```ts ignore
 * import { SYSTEM_NETWORK } from "./mdns_socket.ts";
 * const socket = await SYSTEM_NETWORK.open(SYSTEM_NETWORK.interfaces()[1].address, {});
 * ```
 */
export const SYSTEM_NETWORK: MdnsNetwork = {
  interfaces: () => Deno.networkInterfaces(),
  open: openMdnsSocket,
};
