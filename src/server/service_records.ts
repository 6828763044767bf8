/**
 * The DNS-SD records of one server on one interface (docs/PROTOCOL.md section 9), and the
 * answers they give to a query: pure, so what the server says on the network is tested without
 * sockets. The socket work is in announce.ts.
 *
 * @module
 */
import { SERVICE_TYPE } from "../protocol/mod.ts";
import type { MdnsQuestion, MdnsRecord } from "../transport/mod.ts";

/** The name under which DNS-SD browsers enumerate service types (RFC 6763 section 9). */
export const SERVICE_TYPES_NAME = "_services._dns-sd._udp.local";

/** TTL of records about the host, SRV and A (RFC 6762 section 10: 120 s). */
const HOST_TTL_S = 120;
/** TTL of the other records, PTR and TXT (RFC 6762 section 10: 75 minutes). */
const OTHER_TTL_S = 4500;

/** What a server announces about itself. */
export interface ServiceDescription {
  /** The server's name; its instance label is the name with `.` written as `-`. */
  name: string;
  /** The SRV record's target, `chat-XXXXXXXX.local`. */
  host: string;
  /** The chat port. */
  port: number;
  /** The TXT strings, from `encodeServiceTxt`. */
  txt: string[];
  /** The server's IPv4 addresses on this interface. */
  addresses: string[];
}

/** Records to send in answer to a query. */
export interface MdnsAnswer {
  answers: MdnsRecord[];
  additionals: MdnsRecord[];
}

/**
 * The records of one server on one interface.
 *
 * @example
 * ```ts
 * import { ServiceRecords } from "./service_records.ts";
 * const records = new ServiceRecords({ name: "Room 214", host: "chat-0a1b2c3d.local",
 *   port: 7777, txt: ["v=1", "name=Room 214"], addresses: ["192.168.1.20"] });
 * records.instance; // "Room 214._chat._tcp.local"
 * records.answer([{ name: "_chat._tcp.local", type: "PTR" }])?.answers[0].data; // "Room 214._chat._tcp.local"
 * ```
 */
export class ServiceRecords {
  /** The service instance's full name, `NAME._chat._tcp.local`. */
  readonly instance: string;
  readonly #ptr: MdnsRecord;
  readonly #srv: MdnsRecord;
  readonly #txt: MdnsRecord;
  readonly #a: MdnsRecord[];
  readonly #types: MdnsRecord;

  constructor(service: ServiceDescription) {
    this.instance = `${service.name.replaceAll(".", "-")}.${SERVICE_TYPE}`;
    const host = service.host;
    this.#ptr = { name: SERVICE_TYPE, type: "PTR", ttl: OTHER_TTL_S, data: this.instance };
    this.#srv = {
      name: this.instance,
      type: "SRV",
      ttl: HOST_TTL_S,
      data: { port: service.port, target: host },
    };
    this.#txt = { name: this.instance, type: "TXT", ttl: OTHER_TTL_S, data: service.txt };
    this.#a = service.addresses.map((data) => ({ name: host, type: "A", ttl: HOST_TTL_S, data }));
    this.#types = { name: SERVICE_TYPES_NAME, type: "PTR", ttl: OTHER_TTL_S, data: SERVICE_TYPE };
  }

  /**
   * Every record of the service, as announced unsolicited; with `goodbye`, with TTL 0, which
   * tells listeners to forget them (RFC 6762 section 10.1).
   */
  all(options: { goodbye?: boolean } = {}): MdnsRecord[] {
    const records = [this.#ptr, this.#srv, this.#txt, ...this.#a];
    return options.goodbye ? records.map((record) => ({ ...record, ttl: 0 })) : records;
  }

  /**
   * What to answer to `questions`, with the records a querier will want next as additionals
   * (RFC 6763 section 12); `undefined` when no question is about this service.
   */
  answer(questions: readonly MdnsQuestion[]): MdnsAnswer | undefined {
    const answers: MdnsRecord[] = [];
    for (const question of questions) {
      const name = question.name.toLowerCase();
      const type = question.type;
      const wants = (record: MdnsRecord) =>
        record.name.toLowerCase() === name && (type === "ANY" || type === record.type);
      answers.push(...[this.#ptr, this.#types, this.#srv, this.#txt, ...this.#a].filter(wants));
    }
    if (answers.length === 0) return undefined;
    const unique = [...new Set(answers)];
    const additionals = new Set<MdnsRecord>();
    if (unique.includes(this.#ptr)) [this.#srv, this.#txt].forEach((r) => additionals.add(r));
    if (unique.includes(this.#srv) || additionals.has(this.#srv)) {
      this.#a.forEach((r) => additionals.add(r));
    }
    return {
      answers: unique,
      additionals: [...additionals].filter((record) => !unique.includes(record)),
    };
  }
}
