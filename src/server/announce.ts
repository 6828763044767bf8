/**
 * Announces a running server on the LAN with DNS-SD over multicast DNS (docs/PROTOCOL.md
 * section 9), so that `chat discover` and `chat join` without an address find it: on every
 * interface the server listens on, one multicast DNS socket each, answering queries from that
 * interface's subnet with that interface's addresses, and saying goodbye when it stops.
 *
 * Announcing is a convenience, never a reason not to serve: whatever goes wrong (no multicast on
 * an interface, port 5353 refused, a send that fails) is one log line, and the server goes on.
 *
 * `bonjour-service` was the first choice and is not used: it sends through the system's default
 * multicast interface only (with no default route, not at all), advertises every interface's
 * addresses whatever the server listens on, names the SRV target after the machine (where Avahi
 * already answers for that name), and throws from a socket error unless reached into.
 *
 * @module
 */
import { encodeServiceTxt, MAX_SERVICE_NAME_BYTES, PROTOCOL_VERSION } from "../protocol/mod.ts";
import {
  inSubnet,
  MDNS_PORT,
  mdnsInterfaces,
  type MdnsNetwork,
  type MdnsResponse,
  type MdnsSender,
  type MdnsSocket,
  SYSTEM_NETWORK,
} from "../transport/mod.ts";
import { errorReason } from "../util/mod.ts";
import { type MdnsAnswer, ServiceRecords } from "./service_records.ts";

/**
 * When the records are sent unsolicited after start: at least twice, a second apart (RFC 6762
 * section 8.3).
 */
const ANNOUNCE_AT_MS: readonly number[] = [0, 1000, 3000];
/** Longest a legacy (unicast) querier may cache an answer (RFC 6762 section 6.7). */
const LEGACY_TTL_S = 10;
/** How long stopping waits for the goodbye packets to leave. */
const GOODBYE_WAIT_MS = 1000;

/** Settings of {@linkcode announce}. */
export interface AnnounceOptions {
  /** The address the server listens on: `0.0.0.0` and `::` announce on every interface. */
  listenHost: string;
  /** The name people know the server by. */
  name: string;
  chatPort: number;
  webPort?: number;
  /** With TLS, the certificate's fingerprint. */
  fingerprint?: string;
  /** Receives log lines. */
  log: (line: string) => void;
  /** Where to speak multicast DNS; this machine's network unless told. */
  network?: MdnsNetwork;
  /** When to send the records unsolicited, in ms after start; 0, 1 and 3 s unless told. */
  announceAtMs?: readonly number[];
}

/** A server being announced. */
export interface Announcement {
  /** The interfaces it is announced on, such as `eth0 (192.168.1.20)`; empty if none. */
  readonly interfaces: string[];
  /** Says goodbye on every interface and closes the sockets. */
  close(): Promise<void>;
}

/**
 * Starts announcing; resolves once every interface's socket is open or has failed (and been
 * logged). Never rejects.
 *
 * @example
 * ```ts ignore
 * const announcement = await announce({ listenHost: "0.0.0.0", name: "Room 214",
 *   chatPort: 7777, webPort: 7778, log: console.error });
 * await announcement.close();
 * ```
 */
export async function announce(options: AnnounceOptions): Promise<Announcement> {
  const network = options.network ?? SYSTEM_NETWORK;
  const none = { interfaces: [], close: () => Promise.resolve() };
  let interfaces;
  try {
    interfaces = mdnsInterfaces(network.interfaces(), options.listenHost);
  } catch (error) {
    options.log(`not announced on the network: ${errorReason(error)}`);
    return none;
  }
  if (interfaces.length === 0) {
    // A server kept to this machine has nobody to announce itself to.
    if (!isLoopback(options.listenHost)) {
      options.log("not announced on the network: no network interface with an IPv4 address");
    }
    return none;
  }
  const txt = encodeServiceTxt({
    version: PROTOCOL_VERSION,
    name: options.name,
    webPort: options.webPort,
    fingerprint: options.fingerprint,
  });
  // Its own host name: the machine's is answered for by the system's responder (Avahi).
  const host = `chat-${crypto.randomUUID().slice(0, 8)}.local`;
  const opened = await Promise.allSettled(interfaces.map(async (iface) => {
    const label = `${iface.name} (${iface.addresses[0]})`;
    const records = new ServiceRecords({
      name: options.name,
      host,
      port: options.chatPort,
      txt,
      addresses: iface.addresses,
    });
    let failed = false;
    let socket: MdnsSocket | undefined = undefined;
    const send = async (packet: MdnsResponse, to?: MdnsSender) => {
      try {
        await socket?.respond(packet, to);
      } catch (error) {
        // One line per interface, not one per query.
        if (!failed) options.log(`announcing on ${label} failed: ${errorReason(error)}`);
        failed = true;
      }
    };
    socket = await network.open(iface.addresses[0], {
      onQuery(packet, from) {
        if (!iface.cidrs.some((cidr) => inSubnet(from.address, cidr))) return;
        const answer = records.answer(packet.questions);
        if (answer === undefined) return;
        if (from.port === MDNS_PORT) return void send(answer);
        const short = (list: MdnsAnswer["answers"]) =>
          list.map((record) => ({ ...record, ttl: Math.min(record.ttl, LEGACY_TTL_S) }));
        send({
          id: packet.id,
          questions: packet.questions,
          answers: short(answer.answers),
          additionals: short(answer.additionals),
        }, from);
      },
    });
    return { label, records, socket, send };
  }));

  const live = opened.flatMap((result) => result.status === "fulfilled" ? [result.value] : []);
  const failures = opened.flatMap((result, i) =>
    result.status === "rejected"
      ? [`${interfaces[i].name} (${interfaces[i].addresses[0]}): ${errorReason(result.reason)}`]
      : []
  );
  if (failures.length > 0) {
    options.log(
      live.length === 0
        ? `not announced on the network, so chat discover will not find this server: ${
          failures.join("; ")
        }`
        : `not announced on ${failures.join("; ")}`,
    );
  }
  const timers = (options.announceAtMs ?? ANNOUNCE_AT_MS).map((ms) =>
    setTimeout(() => {
      for (const { records, send } of live) send({ answers: records.all(), additionals: [] });
    }, ms)
  );
  let closing: Promise<void> | undefined;
  return {
    interfaces: live.map(({ label }) => label),
    close() {
      closing ??= (async () => {
        timers.forEach(clearTimeout);
        const goodbyes = Promise.all(
          live.map(({ records, send }) =>
            send({ answers: records.all({ goodbye: true }), additionals: [] })
          ),
        );
        let timer: ReturnType<typeof setTimeout> | undefined;
        const waited = new Promise((resolve) => timer = setTimeout(resolve, GOODBYE_WAIT_MS));
        await Promise.race([goodbyes, waited]);
        clearTimeout(timer);
        await Promise.all(live.map(({ socket }) => socket.close()));
      })();
      return closing;
    },
  };
}

/**
 * The name a server goes by unless given one: the machine's host name without its domain, or
 * `chat` when the host name may not be read or is empty; cut to the 63 bytes a name may have.
 *
 * @example
 * ```ts
 * import { defaultServiceName } from "./announce.ts";
 * defaultServiceName(); // such as "ana-laptop"
 * ```
 */
export function defaultServiceName(): string {
  let hostname = "";
  try {
    hostname = Deno.hostname().split(".")[0].trim();
  } catch {
    // Not allowed to read it (--allow-sys without hostname): a plain name will do.
  }
  const chars = [...(hostname === "" ? "chat" : hostname)];
  while (new TextEncoder().encode(chars.join("")).byteLength > MAX_SERVICE_NAME_BYTES) chars.pop();
  return chars.join("");
}

function isLoopback(host: string): boolean {
  return host.startsWith("127.") || host === "::1" || host === "localhost";
}
